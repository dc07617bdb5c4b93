// The enterprise's pages: wallet, orders, a new order, and an order's page (progress chart, review, acceptance
// sampling, exports).
import { api, upload, toast, showProblem, clearProblem } from "./api.js";
import { h, field, card, table, money, when, badge, newKey, fill, rerender } from "./dom.js";
import { barChart } from "./chart.js";
import { typeName } from "./worker.js";

export async function wallet(view) {
  const w = await api("/api/settlement/wallet");
  const form = h("form.inline-form", { novalidate: true },
    h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    field("Amount (CNY)", h("input", { name: "amount", type: "text", inputMode: "decimal", required: true, placeholder: "1000.00" })),
    h("button.primary", { type: "submit" }, "Deposit"));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(form);
    const button = form.querySelector("button");
    button.disabled = true;
    // One key per submit: a retry of this same request (network trouble) cannot deposit twice.
    const key = newKey();
    try {
      const raw = form.amount.value.trim();
      const amount = raw === "" || isNaN(Number(raw)) ? raw : Number(raw);
      const done = await api("/api/settlement/wallet/deposits", { method: "POST", body: { amount, currency: "CNY" }, idempotencyKey: key });
      toast(`Deposited ${money(done.amount)}.`);
      await wallet(view);
    } catch (err) { showProblem(form, err); button.disabled = false; }
  });
  fill(view, h("h1", {}, "Wallet"),
    h("div.stats", {}, h("div.stat", {}, h("span.stat-label", {}, "Available"), h("strong.stat-value#available", {}, money(w.available, w.currency))),
      h("div.stat", {}, h("span.stat-label", {}, "In escrow"), h("strong.stat-value#escrow", {}, money(w.inEscrow, w.currency)))),
    card("Deposit", h("p.muted", {}, "Funds are held in escrow when you publish an order and paid to workers as their work is approved."), form));
}

const STATUS_KIND = { draft: "", published: "info", in_progress: "info", delivered: "warn", rework: "warn", accepted: "ok", closed: "ok", cancelled: "bad", funding_failed: "bad" };
export function statusBadge(status) { return badge(status.replace("_", " "), STATUS_KIND[status] || ""); }

export async function orders(view) {
  const list = await api("/api/orders/orders");
  fill(view, h("div.page-head", {}, h("h1", {}, "Orders"), h("a.button.primary", { href: "#/orders/new" }, "New order")),
    card(null, table(["Order", "Type", "Items", "Budget", "Status", "Deadline"],
      list.map(o => [h("a", { href: `#/orders/${o.id}` }, o.title), typeName(o.taskType), o.itemCount, money(o.budget, o.currency), statusBadge(o.status), when(o.deadline)]),
      "No orders yet: create your first one.")));
}

const TYPES = ["text-classification", "image-classification", "audio-classification", "bounding-boxes", "text-spans", "transcription", "llm-sft", "reward-ranking", "rubric-evaluation"];
const CONTENT_HINT = {
  "text-classification": "One text per line.", "text-spans": "One text per line.", "llm-sft": "One prompt per line.",
  "image-classification": "One image link (https://…) per line.", "bounding-boxes": "One image link per line.",
  "audio-classification": "One audio link per line.", transcription: "One audio link per line.",
  "reward-ranking": 'One JSON per line: {"prompt": "…", "responses": ["…", "…"]}', "rubric-evaluation": "One text per line.",
};

export async function newOrder(view) {
  const type = h("select", { name: "taskType" }, TYPES.map(t => h("option", { value: t }, typeName(t))));
  const itemsHint = h("p.hint");
  const items = h("textarea", { name: "items", rows: 8, lang: "zh-CN", required: true });
  const deadline = new Date(Date.now() + 7 * 864e5);
  const form = h("form.order-form", { novalidate: true },
    h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    h("div.two", {},
      h("div", {},
        field("Title", h("input", { name: "title", required: true, lang: "zh-CN" })),
        field("Task type", type),
        field("Labels", h("input", { name: "labels", placeholder: "positive, negative" }), "Comma-separated; the classes or entity types."),
        h("label.choice", {}, h("input", { type: "checkbox", name: "multiLabel" }), " Several labels may apply to one item"),
        field("Rubric criteria", h("input", { name: "criteria", placeholder: "helpfulness 1-5, accuracy 1-5" }), "Rubric scoring only: name min-max, comma-separated."),
        field("Instructions", h("textarea", { name: "instructions", rows: 5, lang: "zh-CN" }))),
      h("div", {},
        h("div.field", { dataset: { field: "items" } }, h("label", { htmlFor: "items" }, "Items"), Object.assign(items, { id: "items" }), itemsHint),
        h("div.three", {},
          field("Price per item (CNY)", h("input", { name: "unitPrice", inputMode: "decimal", value: "1.00", required: true })),
          field("Answers per item", h("input", { name: "overlap", type: "number", min: 1, max: 10, value: "1" })),
          field("Suite size", h("input", { name: "suiteSize", type: "number", min: 1, max: 50, value: "1" }))),
        h("div.three", {},
          field("Deadline", h("input", { name: "deadline", type: "date", value: deadline.toISOString().slice(0, 10), required: true })),
          field("Data grade", h("select", { name: "dataGrade" }, ["general", "important"].map(g => h("option", { value: g }, g)))),
          field("Lease (seconds)", h("input", { name: "leaseSeconds", type: "number", min: 5, max: 86400, placeholder: "600" }))),
        h("div.field", { dataset: { field: "autoApproveSeconds" } },
          h("label", { htmlFor: "autoApproveHours" }, "Review within (hours)"),
          h("input", { name: "autoApproveHours", id: "autoApproveHours", type: "number", min: 1, max: 720, placeholder: "72" }),
          h("p.hint", {}, "Work you have not approved or rejected by then is approved and paid.")),
        h("label.choice", {}, h("input", { type: "checkbox", name: "personalInformation" }), " The data contains personal information"))),
    h("div.actions", {}, h("button.primary", { type: "submit" }, "Create draft")));
  const sync = () => { itemsHint.textContent = CONTENT_HINT[type.value]; };
  type.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(form);
    const f = new FormData(form);
    const num = name => (f.get(name) === "" || f.get(name) === null ? undefined : Number(f.get(name)));
    const lines = String(f.get("items")).split(/\r?\n/).map(l => l.trim()).filter(Boolean);
    const body = {
      title: f.get("title"), instructions: f.get("instructions"), taskType: f.get("taskType"),
      labels: String(f.get("labels")).split(/[,，]/).map(x => x.trim()).filter(Boolean),
      multiLabel: f.get("multiLabel") === "on",
      criteria: String(f.get("criteria")).split(/[,，]/).map(x => x.trim()).filter(Boolean).map(c => {
        const m = c.match(/^(.*?)\s+(-?\d+)\s*-\s*(-?\d+)$/);
        return m ? { name: m[1], min: Number(m[2]), max: Number(m[3]) } : { name: c, min: 1, max: 5 };
      }),
      items: lines.map((content, i) => ({ id: `item-${String(i + 1).padStart(4, "0")}`, content })),
      unitPrice: f.get("unitPrice") === "" || isNaN(Number(f.get("unitPrice"))) ? f.get("unitPrice") : Number(f.get("unitPrice")),
      currency: "CNY",
      deadline: new Date(`${f.get("deadline")}T23:59:00`).toISOString(),
      overlap: num("overlap"), suiteSize: num("suiteSize"), leaseSeconds: num("leaseSeconds"),
      autoApproveSeconds: num("autoApproveHours") === undefined ? undefined : Math.round(num("autoApproveHours") * 3600),
      dataGrade: f.get("dataGrade"), personalInformation: f.get("personalInformation") === "on",
    };
    if (!body.criteria.length) delete body.criteria;
    try {
      const order = await api("/api/orders/orders", { method: "POST", body });
      toast("Draft created. Check it and publish.");
      location.hash = `#/orders/${order.id}`;
    } catch (err) { showProblem(form, err); }
  });
  fill(view, h("h1", {}, "New order"), card(null, form));
}

const PROGRESS_BARS = [
  ["open", "Open", "#9aa9b9"], ["leased", "In progress", "#f0a030"], ["submitted", "Submitted", "#2f6fde"],
  ["approved", "Approved", "#1a7f37"], ["withdrawn", "Withdrawn", "#c62828"],
];

export async function orderPage(view, params, id) {
  const order = await api(`/api/orders/orders/${id}`); // 404 for another organisation's order: the router shows "Not found"
  const progressBox = h("div#progress", {}, h("p.muted", {}, "Loading progress…"));
  const timers = [];
  async function loadProgress() {
    try {
      const p = await api(`/api/tasks/orders/${id}/progress`);
      const chart = barChart(PROGRESS_BARS.map(([key, label, color]) => ({ key, label, color, value: p[key] })),
        { title: `Progress of ${order.title}` });
      progressBox.replaceChildren(
        h("div.progress-line", {}, h("progress", { max: 100, value: Number(p.percentApproved) || 0, "aria-label": "Approved" }),
          h("strong", {}, `${Number(p.percentApproved || 0).toFixed(1)}% approved`), h("span.muted", {}, ` of ${p.totalAssignments} assignments`),
          p.completedAt ? h("span", {}, " · completed ", when(p.completedAt)) : null),
        chart);
    } catch (e) {
      progressBox.replaceChildren(h("p.muted", {}, e.status === 404 ? "Work is being prepared: progress shows once the order is split into tasks." : e.message));
    }
  }
  const actions = h("div.actions");
  if (order.status === "draft" || order.status === "funding_failed") {
    const publish = h("button.primary", { type: "button", id: "publish" }, "Publish");
    publish.addEventListener("click", async () => {
      publish.disabled = true;
      try { await api(`/api/orders/orders/${id}/publish`, { method: "POST" }); toast("Published: the budget goes into escrow."); rerender(); }
      catch (e) { toast(e.message, true); publish.disabled = false; }
    });
    actions.append(publish);
  }
  if (["draft", "published", "in_progress", "funding_failed", "rework"].includes(order.status)) {
    actions.append(h("button.secondary", { type: "button", onclick: async () => {
      if (!confirm("Cancel this order? Unspent escrow is refunded.")) return;
      try { await api(`/api/orders/orders/${id}/cancel`, { method: "POST" }); rerender(); } catch (e) { toast(e.message, true); }
    } }, "Cancel order"));
  }
  const sections = [
    h("div.page-head", {}, h("h1", {}, order.title), statusBadge(order.status)),
    order.fundingFailureReason ? h("p.notice.bad", { role: "alert" }, `Funding failed: ${order.fundingFailureReason}. `, h("a", { href: "#/wallet" }, "Top up the wallet"), " and publish again.") : null,
    h("div.stats", {},
      stat("Items", order.itemCount), stat("Price per item", money(order.unitPrice, order.currency)), stat("Worker reward", money(order.workerReward, order.currency)),
      stat("Budget", money(order.budget, order.currency)), stat("Deadline", when(order.deadline))),
    actions,
    card("Progress", progressBox),
  ];
  if (order.status !== "draft") {
    if (order.status === "delivered" || order.status === "accepted" || order.status === "closed" || order.status === "rework") sections.push(await acceptance(order, rerender));
    sections.push(await review(order));
    sections.push(await exportsCard(order, timers));
  } else {
    sections.push(card("Details", h("p.instructions", { lang: "zh-CN" }, order.instructions || "No instructions."),
      h("p", {}, `${typeName(order.taskType)} · labels: ${order.labels.join(", ") || "—"} · ${order.overlap} answer(s) per item · grade ${order.dataGrade}`),
      filesCard(order), datasetCard(order, rerender)));
  }
  fill(view, ...sections.filter(Boolean));
  if (order.status !== "draft") {
    await loadProgress();
    timers.push(setInterval(loadProgress, 3000));
  } else progressBox.replaceChildren(h("p.muted", {}, "Publish the order to start the work."));
  return () => timers.forEach(clearInterval);
}

function stat(label, value) { return h("div.stat", {}, h("span.stat-label", {}, label), h("strong.stat-value", {}, String(value))); }

function filesCard(order) {
  if (!["image-classification", "bounding-boxes", "audio-classification", "transcription"].includes(order.taskType)) return null;
  const input = h("input", { type: "file", multiple: true, accept: "image/*,audio/*", id: "files" });
  const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Upload progress" });
  const out = h("ul.uploaded");
  input.addEventListener("change", async () => {
    for (const file of input.files) {
      bar.hidden = false;
      try {
        const done = await upload(`/api/orders/orders/${order.id}/files/${encodeURIComponent(file.name.replace(/[^A-Za-z0-9_.-]/g, "_"))}`, file, v => { bar.value = v; });
        out.append(h("li", {}, h("code", {}, done.uri), ` (${done.bytes} bytes)`));
      } catch (e) { out.append(h("li.error", {}, `${file.name}: ${e.message}`)); }
    }
    bar.hidden = true;
  });
  return h("div.files", {}, h("h3", {}, "Media files"), field("Upload images or audio (use their content:// links in a dataset)", input), bar, out);
}

const DATASET_CHUNK = 8 * 1024 * 1024;

/**
 * A draft's dataset: a JSONL or CSV manifest sent as a resumable upload (8 MB chunks with their offset), then checked
 * row by row on the server. The bar shows the bytes sent, then the rows checked; rejected rows are listed by line.
 */
function datasetCard(order, reload) {
  const input = h("input", { type: "file", accept: ".jsonl,.json,.csv,application/jsonl,text/csv", id: "dataset" });
  const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Dataset progress" });
  const status = h("p.dataset-status", { role: "status" });
  const errors = h("ul.dataset-errors");
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    const format = /\.csv$/i.test(file.name) ? "csv" : "jsonl";
    input.disabled = true;
    bar.hidden = false; bar.value = 0; errors.replaceChildren(); status.classList.remove("error");
    status.textContent = `Sending ${file.name}…`;
    try {
      const base = `/api/orders/orders/${order.id}/uploads`;
      const started = await api(base, { method: "POST", body: { format, expectedBytes: file.size } });
      for (let offset = 0; offset < file.size; offset += DATASET_CHUNK) {
        const part = file.slice(offset, Math.min(file.size, offset + DATASET_CHUNK));
        await upload(`${base}/${started.id}`, part, v => { bar.value = (offset + v * part.size) / file.size; }, { "Upload-Offset": String(offset) });
      }
      bar.value = 1;
      await api(`${base}/${started.id}/complete`, { method: "POST" });
      let view = await api(`${base}/${started.id}`);
      while (!["imported", "rejected"].includes(view.status)) {
        status.textContent = `Checking the rows: ${view.rowsChecked.toLocaleString()} so far…`;
        await new Promise(r => setTimeout(r, 1000));
        view = await api(`${base}/${started.id}`);
      }
      if (view.status === "imported") {
        toast(`${view.rowsImported.toLocaleString()} items imported.`);
        reload();
        return;
      }
      status.classList.add("error");
      status.textContent = `The dataset was not imported: ${view.errors.length} row(s) need fixing.`;
      errors.replaceChildren(...view.errors.map(e => h("li", {}, `Line ${e.line}: ${e.error}`)));
    } catch (e) {
      status.classList.add("error");
      status.textContent = e.message;
    } finally {
      input.disabled = false;
      bar.hidden = true;
    }
  });
  return h("div.dataset", {}, h("h3", {}, "Dataset"),
    field("Upload a manifest (JSONL or CSV, one item per row; it replaces the items)", input), bar, status, errors);
}

async function acceptance(order, reload) {
  const rounds = await api(`/api/orders/orders/${order.id}/acceptance`);
  if (!rounds.length) return card("Acceptance", h("p.muted", {}, "The acceptance sample is being drawn."));
  const open = rounds.find(r => r.status === "open");
  const history = table(["Round", "Status", "Sampled", "Passed", "Decided"],
    rounds.map(r => [r.round, badge(r.status, r.status === "passed" ? "ok" : r.status === "failed" ? "bad" : "warn"), r.sampleSize, r.passedItems ?? "—", when(r.decidedAt)]));
  if (!open || order.status !== "delivered") return card("Acceptance", history);
  const answers = await api(`/api/tasks/orders/${order.id}/assignments?${open.items.map(i => "itemId=" + encodeURIComponent(i.itemId)).join("&")}`);
  const form = h("form.acceptance", { novalidate: true }, h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    h("p", {}, `Judge each of the ${open.items.length} sampled items. The order passes when at least ${Math.round(open.passThreshold * 100)}% are right; wrong items go back for rework.`),
    open.items.map((item, i) => {
      const given = answers.filter(a => a.itemId === item.itemId && a.answer !== null);
      const finding = h("textarea", { name: `finding-${i}`, rows: 2, lang: "zh-CN", dataset: { field: `verdicts[${i}].finding` } });
      const findingField = h("div.field", { hidden: true }, h("label", { htmlFor: `finding-${i}` }, "What is wrong"), Object.assign(finding, { id: `finding-${i}` }));
      const radios = h("fieldset.verdict", { dataset: { itemId: item.itemId } }, h("legend", {}, `Item ${item.itemId}`),
        h("div.item-text", { lang: "zh-CN" }, item.content),
        h("p.answers", {}, "Answers: ", given.map(a => h("code", {}, JSON.stringify(a.answer))).flatMap((c, k) => k ? [", ", c] : [c])),
        h("label.choice", {}, h("input", { type: "radio", name: `ok-${i}`, value: "ok", onchange: () => { findingField.hidden = true; } }), " Correct"),
        h("label.choice", {}, h("input", { type: "radio", name: `ok-${i}`, value: "bad", onchange: () => { findingField.hidden = false; finding.focus(); } }), " Not correct"),
        findingField);
      return radios;
    }),
    h("div.actions", {}, h("button.primary", { type: "submit" }, "Submit verdicts")));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(form);
    const verdicts = [];
    for (const [i, item] of open.items.entries()) {
      const picked = form.querySelector(`input[name="ok-${i}"]:checked`);
      if (!picked) { showProblem(form, { message: `Judge item ${item.itemId} first.`, fieldErrors: {} }); return; }
      const ok = picked.value === "ok";
      const v = { itemId: item.itemId, ok };
      if (!ok) v.finding = form.querySelector(`[name="finding-${i}"]`).value;
      verdicts.push(v);
    }
    try {
      const done = await api(`/api/orders/orders/${order.id}/acceptance`, { method: "POST", body: { round: open.round, verdicts } });
      toast(done.orderStatus === "accepted" ? "Accepted: the order is complete." : "Sent back for rework.");
      reload();
    } catch (err) { showProblem(form, err); }
  });
  return card(`Acceptance sampling — round ${open.round}`, form, history);
}

const REASONS = [["wrong-answer", "Wrong answer"], ["incomplete", "Incomplete"], ["ignored-instructions", "Instructions not followed"], ["spam", "Spam"], ["other", "Other"]];

async function review(order) {
  const all = await api(`/api/tasks/orders/${order.id}/assignments`).catch(() => []);
  const waiting = all.filter(a => a.status === "submitted").slice(0, 20);
  const appeals = all.filter(a => a.appealStatus === "pending").slice(0, 20);
  const rows = waiting.map(a => {
    const out = h("div.review-row", { dataset: { assignmentId: a.id } },
      h("div.item-text.small", { lang: "zh-CN" }, a.content.length > 160 ? a.content.slice(0, 160) + "…" : a.content),
      h("code", {}, JSON.stringify(a.answer)));
    const form = h("form.inline-form", { novalidate: true },
      h("p.form-error", { role: "alert", hidden: true }),
      field("Reason", h("select", { name: "reasonCode" }, REASONS.map(([v, t]) => h("option", { value: v }, t)))),
      field("Comment", h("input", { name: "comment", lang: "zh-CN" })),
      h("button.secondary", { type: "submit" }, "Reject"),
      h("button.primary", { type: "button", onclick: async () => {
        try { await api(`/api/tasks/assignments/${a.id}/approve`, { method: "POST" }); out.replaceWith(h("p.muted", {}, `Approved ${a.itemId}.`)); }
        catch (err) { showProblem(form, err); }
      } }, "Approve"));
    form.addEventListener("submit", async e => {
      e.preventDefault();
      clearProblem(form);
      try {
        await api(`/api/tasks/assignments/${a.id}/reject`, { method: "POST", body: { reasonCode: form.reasonCode.value, comment: form.comment.value } });
        out.replaceWith(h("p.muted", {}, `Rejected ${a.itemId}.`));
      } catch (err) { showProblem(form, err); }
    });
    out.append(form);
    return out;
  });
  const appealRows = appeals.map(a => {
    const box = h("div.review-row", {}, h("p", {}, `Item ${a.itemId}: “${a.appealMessage}”`));
    for (const decision of ["uphold", "deny"]) {
      box.append(h(`button.${decision === "uphold" ? "primary" : "secondary"}`, { type: "button", onclick: async () => {
        const note = decision === "deny" ? prompt("Why is the rejection kept?") : "";
        if (decision === "deny" && !note) return;
        try { await api(`/api/tasks/assignments/${a.id}/appeal/resolve`, { method: "POST", body: { decision, note } }); box.replaceWith(h("p.muted", {}, `Appeal ${decision === "uphold" ? "upheld" : "denied"}.`)); }
        catch (err) { toast(err.message, true); }
      } }, decision === "uphold" ? "Uphold (approve and pay)" : "Deny"), " ");
    }
    return box;
  });
  return card("Review", waiting.length ? rows : h("p.empty", {}, "No submissions waiting. Unreviewed work is approved automatically."),
    appealRows.length ? [h("h3", {}, "Appeals"), appealRows] : null);
}

async function exportsCard(order, timers) {
  const listBox = h("div.exports");
  async function refresh() {
    const list = await api(`/api/tasks/orders/${order.id}/exports`).catch(() => []);
    listBox.replaceChildren(table(["Format", "Status", "Progress", "File"], list.map(x => [
      x.format, badge(x.status, x.status === "ready" ? "ok" : x.status === "failed" ? "bad" : "info"),
      x.status === "ready" ? `${x.rowsWritten} rows` : h("progress", { max: Math.max(1, x.totalRows || 1), value: x.rowsWritten || 0, "aria-label": `${x.format} export progress` }),
      x.status === "ready" ? h("a", { href: "#", onclick: async e => {
        e.preventDefault();
        const fresh = await api(`/api/tasks/orders/${order.id}/exports/${x.id}`);
        location.href = fresh.url;
      } }, x.fileName || "Download") : x.error || "—"]), "No exports yet."));
    return list;
  }
  const out = h("p.form-error", { role: "alert", hidden: true });
  const buttons = ["jsonl", ...(order.taskType === "bounding-boxes" ? ["coco"] : []), "label-studio"].map(format =>
    h("button.secondary", { type: "button", onclick: async () => {
      out.hidden = true;
      try { await api(`/api/tasks/orders/${order.id}/exports`, { method: "POST", body: { format } }); await refresh(); }
      catch (e) { out.textContent = e.message; out.hidden = false; }
    } }, `Export ${format}`));
  const list = await refresh();
  timers.push(setInterval(refresh, 4000)); // exports run as jobs: their progress moves while the page is open
  return card("Delivery exports", h("div.actions", {}, buttons), out, listBox);
}
