// The worker's pages: available work, the labeling screen (lease countdown, heartbeat, release, submit, next),
// submissions with their review and appeals, profile (clearance, agreement, qualifications, accuracy), earnings.
import { api, session, toast, showProblem, clearProblem, ApiError } from "./api.js";
import { h, field, card, table, money, when, badge, fill } from "./dom.js";
import { createEditor } from "./label.js";
import { startExam } from "./exam.js";

const TYPE_NAMES = {
  "text-classification": "Text classification", "image-classification": "Image classification", "audio-classification": "Audio classification",
  "bounding-boxes": "Bounding boxes", "text-spans": "Text spans", transcription: "Transcription", "llm-sft": "LLM answer writing",
  "reward-ranking": "Response ranking", "rubric-evaluation": "Rubric scoring",
};
export const typeName = t => TYPE_NAMES[t] || t;

// Claimed assignments and the orders they belong to, kept for this tab so a reload resumes without refetching.
const store = {
  get(key) { try { return JSON.parse(sessionStorage.getItem(key)) || {}; } catch { return {}; } },
  set(key, value) { sessionStorage.setItem(key, JSON.stringify(value)); },
};
function remember(assignments) {
  const held = store.get("mp.held");
  for (const a of assignments) held[a.assignmentId] = a;
  store.set("mp.held", held);
}
function forget(id) { const held = store.get("mp.held"); delete held[id]; store.set("mp.held", held); }
async function workList() {
  const work = await api("/api/portal/work");
  const orders = store.get("mp.orders");
  for (const o of work) orders[o.id] = o;
  store.set("mp.orders", orders);
  return work;
}
async function orderInfo(orderId) {
  const known = store.get("mp.orders")[orderId];
  if (known) return known;
  return (await workList()).find(o => o.id === orderId) || null;
}

function clearanceNeeded(o) {
  if (o.dataGrade === "core") return "never";
  return o.dataGrade === "important" || o.personalInformation ? "important" : "general";
}
const RANK = { none: 0, general: 1, important: 2 };

/** Claims work of one order (a suite when the order sets one); answers the assignments, or [] when none is left. */
export async function claim(order) {
  const suite = order.suiteSize > 1;
  const got = await api(`/api/tasks/assignments/${suite ? "claim-suite" : "claim"}?orderId=${order.id}`, { method: "POST" });
  if (!got) return [];
  const list = (suite ? got.assignments : [got]).map(a => ({ ...a, multiLabel: order.multiLabel, criteria: order.criteria }));
  remember(list);
  return list;
}

export async function availableWork(view) {
  const [work, profile, leases, quality] = await Promise.all([
    workList(), api("/api/tasks/workers/me"), api("/api/tasks/assignments/mine"), api("/api/tasks/quality/mine"),
  ]);
  const suspended = new Map(quality.filter(q => q.suspendedUntil && new Date(q.suspendedUntil) > new Date()).map(q => [q.orderId, q]));
  const mine = new Set(profile.qualifications.map(q => q.name));
  const cards = work.map(o => {
    const need = clearanceNeeded(o);
    const missing = o.requiredQualifications.filter(q => !mine.has(q));
    const blocked = need === "never" ? "Core data is never crowdsourced."
      : RANK[profile.clearance] < RANK[need] ? `Needs ${need} clearance (you have ${profile.clearance}). See your profile.`
      : missing.length ? `Needs the qualification${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`
      : suspended.has(o.id) ? `Suspended until ${when(suspended.get(o.id).suspendedUntil)}: ${suspended.get(o.id).suspensionReason}` : null;
    const out = h("p.form-error", { role: "alert", hidden: true });
    const start = h("button.primary", { type: "button", "aria-describedby": `why-${o.id}` }, o.suiteSize > 1 ? `Claim a suite of ${o.suiteSize}` : "Start labeling");
    start.addEventListener("click", async () => {
      start.disabled = true;
      try {
        const got = await claim(o);
        if (!got.length) { out.textContent = "No work left in this order for you right now."; out.hidden = false; start.disabled = false; return; }
        location.hash = `#/label?a=${got[0].assignmentId}`;
      } catch (e) {
        const p = e.problem || {};
        out.textContent = e.message + (p.missingQualifications?.length ? ` Missing: ${p.missingQualifications.join(", ")}.` : "");
        out.hidden = false;
        start.disabled = false;
      }
    });
    return h("article.work", { dataset: { orderId: o.id } },
      h("div.work-head", {}, h("h2", {}, o.title), h("span.reward", {}, money(o.workerReward, o.currency), h("small", {}, " / item"))),
      h("p.tags", {}, badge(typeName(o.taskType), "type"), badge(o.dataGrade + (o.personalInformation ? " · PI" : ""), "grade"), badge(o.industry),
        o.status === "rework" ? badge("rework", "warn") : null),
      h("p.instructions", { lang: "zh-CN" }, o.instructions),
      h("p.muted", {}, `Deadline ${when(o.deadline)}`, o.requiredQualifications.length ? ` · requires ${o.requiredQualifications.join(", ")}` : ""),
      blocked ? h("p.blocked", { id: `why-${o.id}` }, blocked) : h("span", { id: `why-${o.id}` }),
      start, out);
  });
  fill(view, 
    h("div.page-head", {}, h("h1", {}, "Available work"),
      leases.length ? h("a.button.primary", { href: "#/label" }, `Continue labeling (${leases.length} held)`) : null),
    profile.clearance === "none" ? h("p.notice", {}, "Verify your identity on your ", h("a", { href: "#/profile" }, "profile"), " to claim work.") : null,
    ...[...suspended.values()].map(q => h("p.notice.bad", { role: "alert" }, `You are suspended from order ${q.orderId} until ${when(q.suspendedUntil)}: ${q.suspensionReason}`)),
    cards.length ? h("div.work-grid", {}, cards) : card(null, h("p.empty", {}, "No open work right now. Check back soon.")));
}

export async function labeling(view, params) {
  let leases = await api("/api/tasks/assignments/mine");
  if (!leases.length) {
    fill(view, h("h1", {}, "Labeling"), card(null, h("p.empty", {}, "You hold no work. "), h("a.button.primary", { href: "#/work" }, "Find work")));
    return;
  }
  const wanted = params.get("a");
  const lease = leases.find(l => l.assignmentId === wanted) || leases[0];
  const held = store.get("mp.held");
  let a = held[lease.assignmentId];
  if (!a) {
    const full = await api(`/api/tasks/assignments/${lease.assignmentId}`);
    a = { ...full, assignmentId: full.id, reward: full.workerReward };
    remember([a]);
  }
  const order = await orderInfo(a.orderId);
  a = { ...a, multiLabel: a.multiLabel ?? order?.multiLabel, criteria: a.criteria ?? order?.criteria };
  let expiresAt = new Date(lease.leaseExpiresAt);
  const claimedAt = Date.now();
  const editor = createEditor(a);

  const countdown = h("time#lease-countdown", { dateTime: expiresAt.toISOString() });
  const leaseBox = h("p.lease", { role: "timer", "aria-live": "off" }, "Lease expires in ", countdown);
  const error = h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 });
  const submit = h("button.primary", { type: "button", id: "submit" }, "Submit ", h("kbd", {}, "Enter"));
  const release = h("button.secondary", { type: "button", id: "release" }, "Give back");
  let busy = false;
  let expired = false;

  function tick() {
    const left = Math.round((expiresAt - Date.now()) / 1000);
    if (left <= 0) {
      if (!expired) {
        expired = true;
        leaseBox.classList.add("expired");
        leaseBox.replaceChildren("Your lease has expired: this item went back to the pool.");
        submit.disabled = true;
        release.disabled = true;
      }
      return;
    }
    const m = Math.floor(left / 60), s = left % 60;
    countdown.textContent = `${m}:${String(s).padStart(2, "0")}`;
    countdown.dateTime = `PT${m}M${s}S`;
    leaseBox.classList.toggle("soon", left < 60);
  }
  // Heartbeat often enough to extend the lease well before it lapses: a third of the lease, between 2 s and 60 s.
  const span = Math.max(0, expiresAt - claimedAt);
  const beatEvery = Math.min(60_000, Math.max(2_000, span / 3));
  async function beat() {
    if (expired) return;
    try {
      const list = await api("/api/tasks/assignments/heartbeat", { method: "POST" });
      const mine = list.find(l => l.assignmentId === a.assignmentId);
      if (mine) { expiresAt = new Date(mine.leaseExpiresAt); tick(); }
    } catch { /* the countdown tells the worker if the lease really lapses */ }
  }
  const ticker = setInterval(tick, 1000);
  const beater = setInterval(beat, beatEvery);
  tick();

  async function next() {
    leases = await api("/api/tasks/assignments/mine");
    if (leases.length) { location.hash = `#/label?a=${leases[0].assignmentId}&n=${Date.now()}`; return; }
    if (order) {
      try {
        const more = await claim(order);
        if (more.length) { location.hash = `#/label?a=${more[0].assignmentId}`; return; }
      } catch (e) { toast(e.message, true); }
    }
    fill(view, h("h1", {}, "All done"), card(null, h("p", {}, "There is no more work in this order for you right now. Thank you!"),
      h("a.button.primary", { href: "#/work" }, "Find more work"), " ", h("a.button.secondary", { href: "#/history" }, "See my submissions")));
  }

  async function doSubmit() {
    if (busy || expired) return;
    error.hidden = true;
    let answer;
    try { answer = editor.answer(); } catch (e) { error.textContent = e.message; error.hidden = false; error.focus(); return; }
    busy = true;
    submit.disabled = true;
    try {
      const done = await api(`/api/tasks/assignments/${a.assignmentId}/submit`, { method: "POST", body: { answer } });
      forget(a.assignmentId);
      toast(`Submitted. ${done.autoApproveAt ? "Approved automatically by " + when(done.autoApproveAt) + " unless reviewed." : ""}`);
      await next();
    } catch (e) {
      busy = false;
      submit.disabled = false;
      const detail = Object.values(e.fieldErrors || {}).flat().join(" ");
      error.textContent = detail || e.message;
      error.hidden = false;
      if (e.problem?.currentState === "lease_expired") { expiresAt = new Date(0); tick(); }
    }
  }
  async function doRelease() {
    if (busy) return;
    busy = true;
    try {
      await api(`/api/tasks/assignments/${a.assignmentId}/release`, { method: "POST" });
      forget(a.assignmentId);
      toast("Given back: someone else can take it.");
      leases = await api("/api/tasks/assignments/mine");
      location.hash = leases.length ? `#/label?a=${leases[0].assignmentId}` : "#/work";
    } catch (e) { busy = false; error.textContent = e.message; error.hidden = false; }
  }
  submit.addEventListener("click", doSubmit);
  release.addEventListener("click", doRelease);

  function onKey(e) {
    const t = e.target;
    const typing = t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && !["radio", "checkbox", "button"].includes(t.type));
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey || !typing)) {
      // Inside the item Enter always submits (Space presses a focused button); elsewhere Enter presses the button.
      if (t instanceof HTMLButtonElement && t !== submit && !t.closest(".editor")) return;
      e.preventDefault();
      doSubmit();
      return;
    }
    if (!typing && editor.onKey(e)) e.preventDefault();
  }
  document.addEventListener("keydown", onKey);

  const position = leases.findIndex(l => l.assignmentId === a.assignmentId) + 1;
  fill(view, 
    h("div.page-head", {}, h("h1", {}, order?.title || "Labeling"),
      h("span.muted", {}, `${typeName(a.taskType)} · item ${a.itemId} · ${position} of ${leases.length} held · ${money(a.reward ?? order?.workerReward, a.currency || order?.currency)}`)),
    h("div.label-layout", {},
      h("section.card.label-main", { "aria-label": "Item to label", dataset: { assignmentId: a.assignmentId, taskType: a.taskType } },
        a.reworkFinding ? h("p.notice.bad", { role: "alert" }, "Sent back by the customer's acceptance check: ", a.reworkFinding) : null,
        editor.el, error,
        h("div.actions", {}, submit, release)),
      h("aside.card.label-side", {}, leaseBox,
        h("details", { open: true }, h("summary", {}, "Instructions"), h("p.instructions", { lang: "zh-CN" }, order?.instructions || "—")),
        h("p.hint", {}, "Keys: numbers pick a label, Enter submits (Ctrl+Enter in a text box)."))));
  // The router focuses it once the page is shown.
  (editor.focusTarget || view.querySelector(".choice, .box-stage, .span-text"))?.setAttribute("data-autofocus", "");
  return () => { clearInterval(ticker); clearInterval(beater); document.removeEventListener("keydown", onKey); };
}

const REASONS = { "wrong-answer": "Wrong answer", incomplete: "Incomplete", "ignored-instructions": "Instructions not followed", spam: "Spam", other: "Other" };

/** Order titles for the submissions list: tasks knows no titles, the work list (open orders) does; others show their type. */
async function orderTitles(orderIds) {
  let known = store.get("mp.orders");
  if (orderIds.some(id => !known[id])) {
    try { await workList(); known = store.get("mp.orders"); } catch { /* the type and order id are shown instead */ }
  }
  return known;
}

function submissionRow(s, titles) {
  const title = titles[s.orderId]?.title || `${typeName(s.taskType)} · order ${s.orderId.slice(0, 8)}`;
  const status = s.appealStatus === "upheld" ? "approved (appeal upheld)" : s.status;
  const box = h("li.sub", { dataset: { assignmentId: s.assignmentId, status: s.status } },
    h("div.sub-head", {}, h("strong", {}, title), " ",
      h("span.muted", {}, `item ${s.itemId} · submitted ${when(s.submittedAt)} · ${money(s.reward, s.currency)}`), " ",
      badge(status, s.status === "rejected" ? "bad" : s.status === "approved" ? "ok" : "")));
  if (s.status !== "rejected") return box;
  box.append(h("p.reason", {}, h("strong", {}, `Rejected: ${REASONS[s.rejectReasonCode] || s.rejectReasonCode}. `), s.rejectComment || ""));
  if (s.appealStatus) {
    box.append(h("p", {}, `Appeal ${s.appealStatus}`, s.appealNote ? `: ${s.appealNote}` : "."));
  } else if (s.appealableUntil && new Date(s.appealableUntil) > new Date()) {
    const form = h("form.inline", {},
      h("p.form-error", { role: "alert", hidden: true }),
      field(`Appeal (until ${when(s.appealableUntil)})`, h("textarea", { name: "message", rows: 2, required: true, lang: "zh-CN" })),
      h("button.secondary", { type: "submit" }, "Send appeal"));
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      clearProblem(form);
      try {
        await api(`/api/tasks/assignments/${s.assignmentId}/appeal`, { method: "POST", body: { message: form.message.value } });
        form.replaceWith(h("p", {}, "Appeal sent: the customer will look at it again."));
      } catch (er) { showProblem(form, er); }
    });
    box.append(form);
  } else box.append(h("p.muted", {}, "The appeal window has closed."));
  return box;
}

/** The worker's submissions from tasks (every device), newest first, 50 at a time with "Show older". */
export async function history(view) {
  // Earlier versions kept this list in localStorage; it is no longer read.
  localStorage.removeItem(`mp.history.${session.user?.userId}`);
  const [quality, first] = await Promise.all([api("/api/tasks/quality/mine"), api("/api/tasks/assignments/submitted?limit=50")]);
  const list = h("ul.subs", {});
  const more = h("button.secondary", { type: "button" }, "Show older");
  let before = null;
  async function show(page) {
    const titles = await orderTitles(page.items.map(s => s.orderId));
    list.append(...page.items.map(s => submissionRow(s, titles)));
    before = page.nextBefore;
    more.hidden = !before;
  }
  more.addEventListener("click", async () => {
    more.disabled = true;
    try { await show(await api(`/api/tasks/assignments/submitted?limit=50&before=${encodeURIComponent(before)}`)); }
    catch (e) { toast(e.message, true); }
    finally { more.disabled = false; }
  });
  await show(first);
  const suspensions = quality.filter(q => q.suspendedUntil);
  fill(view, h("h1", {}, "My submissions"),
    suspensions.length ? card("Suspensions", ...suspensions.map(q => h("p.notice.bad", {},
      `Order ${q.orderId}: ${new Date(q.suspendedUntil) > new Date() ? "suspended until" : "was suspended until"} ${when(q.suspendedUntil)} — ${q.suspensionReason}`))) : null,
    card("Submitted work", first.items.length ? [list, more] : h("p.empty", {}, "Nothing submitted yet.")));
}

export async function profile(view) {
  const [me, agreement, quality, exams] = await Promise.all([
    api("/api/tasks/workers/me"), api("/api/tasks/agreements/current").catch(() => null), api("/api/tasks/quality/mine"),
    api("/api/tasks/exams").catch(() => []),
  ]);
  const identity = me.identity;
  const idForm = h("form.stack", { novalidate: true },
    h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    field("Legal name (as on your ID card)", h("input", { name: "legalName", autocomplete: "name", lang: "zh-CN", required: true })),
    field("Resident ID number (居民身份证号码)", h("input", { name: "idNumber", inputMode: "text", maxLength: 18, required: true }), "18 characters; the last may be X."),
    h("button.primary", { type: "submit" }, "Submit for verification"));
  idForm.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(idForm);
    try {
      await api("/api/tasks/workers/me/identity", { method: "POST", body: Object.fromEntries(new FormData(idForm)) });
      toast("Submitted: an operator will verify it.");
      profile(view);
    } catch (err) { showProblem(idForm, err); }
  });
  const identityCard = card("Identity",
    identity ? h("p", {}, `${identity.legalName} · ${identity.idNumber} · `, badge(identity.status, identity.status === "verified" ? "ok" : identity.status === "rejected" ? "bad" : ""),
      identity.rejectionReason ? h("span.error", {}, ` ${identity.rejectionReason}`) : null) : h("p", {}, "Not submitted yet."),
    !identity || identity.status === "rejected" ? idForm
      : identity.status === "pending" ? h("details", {}, h("summary", {}, "Correct your details while they wait for review"), idForm) : null);
  const signed = me.agreement?.signedCurrent;
  const agreementCard = agreement ? card("Confidentiality agreement",
    h("details", {}, h("summary", {}, `${agreement.title} (version ${agreement.version})`), h("div.agreement", { lang: "zh-CN" }, agreement.body)),
    signed ? h("p", {}, badge("signed", "ok"), ` on ${when(me.agreement.signedAt)}`)
      : h("button.secondary", { type: "button", onclick: async ev => {
        ev.target.disabled = true;
        try { await api("/api/tasks/workers/me/agreement", { method: "POST", body: { version: agreement.version } }); toast("Signed."); profile(view); }
        catch (err) { toast(err.message, true); ev.target.disabled = false; }
      } }, `I have read it and sign version ${agreement.version}`)) : null;
  const level = me.level || {};
  fill(view, h("h1", {}, "Profile"),
    h("div.stats", {},
      stat("Clearance", me.clearance), stat("Level", level.current ?? "—"), stat("Submitted", me.work?.submitted ?? 0), stat("Approved", me.work?.approved ?? 0)),
    level.next ? h("p.muted", {}, `Next level ${level.next}: ${level.approvedForNext ?? "?"} more approved`,
      level.qualificationsForNext ? `, ${level.qualificationsForNext} more qualification(s)` : "", level.clearanceForNext ? `, ${level.clearanceForNext} clearance` : "", ".") : null,
    h("div.two", {}, identityCard, agreementCard || h("span"),
      card("Vetting", h("p", {}, me.vetting ? [badge(me.vetting.status, me.vetting.status === "vetted" ? "ok" : "bad"), ` ${me.vetting.note || ""}`] : "Not vetted. Important-grade work needs an operator's vetting after identity verification."))),
    card("Qualifications", table(["Qualification", "Task type", "Score", "Granted"],
      me.qualifications.map(q => [q.name, typeName(q.taskType), `${Math.round(q.score * 100)}%`, when(q.grantedAt)]), "No qualifications yet: pass an exam below.")),
    card("Accuracy on gold items", table(["Order", "Gold answered", "Correct", "Accuracy", "Status"],
      quality.map(q => [q.orderId.slice(0, 8), q.goldAnswered, q.goldCorrect, q.accuracy == null ? "—" : `${Math.round(q.accuracy * 100)}%`,
        q.suspendedUntil && new Date(q.suspendedUntil) > new Date() ? badge("suspended", "bad") : badge("ok", "ok")]), "No gold items answered yet.")),
    card("Exams", table(["Exam", "Qualification", "Task type", "Pass mark", "Attempts", ""],
      exams.map(x => {
        const attempts = me.examAttempts.filter(t => t.examId === x.id);
        const passed = attempts.some(t => t.status === "passed");
        return [x.name, x.qualification, typeName(x.taskType), `${Math.round(x.passMark * 100)}%`,
          attempts.map(t => `${t.status}${t.score != null ? " " + Math.round(t.score * 100) + "%" : ""}`).join(", ") || "—",
          passed ? badge("passed", "ok") : h("button.small.primary", { type: "button", "aria-label": `Take the exam ${x.name}`, onclick: () => startExam(x.id) },
            attempts.some(t => t.status === "training" || t.status === "testing") ? "Continue" : "Take the exam")];
      }),
      "No exams published yet.")));
}

function stat(label, value) { return h("div.stat", {}, h("span.stat-label", {}, label), h("strong.stat-value", {}, String(value))); }

export async function earnings(view) {
  const [earned, payouts] = await Promise.all([api("/api/payouts/earnings"), api("/api/payouts/payouts")]);
  fill(view, h("h1", {}, "Earnings"),
    h("div.stats", {}, stat("Available", money(earned.available, earned.currency)), stat("Approved items", earned.earnings.length),
      stat("Paid out", money(payouts.filter(p => p.status === "sent").reduce((s, p) => s + Number(p.amount), 0), earned.currency))),
    card("Approved work", table(["Approved", "Order", "Assignment", "Amount"],
      earned.earnings.map(e => [when(e.approvedAt), e.orderId.slice(0, 8), e.assignmentId.slice(0, 8), money(e.amount, earned.currency)]), "No approved work yet.")),
    card("Payouts", table(["Payout", "Amount", "Status", "Bank reference"],
      payouts.map(p => [p.id.slice(0, 8), money(p.amount), badge(p.status, p.status === "sent" ? "ok" : p.status === "failed" ? "bad" : ""), p.railReference || p.failureReason || "—"]), "No payouts yet.")));
}

export { ApiError };
