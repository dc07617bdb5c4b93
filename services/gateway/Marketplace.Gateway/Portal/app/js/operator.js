// The operator's pages: the period report (with a chart), worker identity review and vetting, users, jobs and
// failed messages of every service.
import { api, toast, showProblem, clearProblem } from "./api.js";
import { h, field, card, table, money, when, badge, fill } from "./dom.js";
import { barChart } from "./chart.js";

function isoDay(d) { return d.toISOString().slice(0, 10); }

export async function report(view, params) {
  const to = params.get("to") || isoDay(new Date(Date.now() + 864e5));
  const from = params.get("from") || isoDay(new Date(Date.now() - 29 * 864e5));
  const form = h("form.inline-form", { novalidate: true }, h("p.form-error", { role: "alert", hidden: true }),
    field("From", h("input", { name: "from", type: "date", value: from })), field("To", h("input", { name: "to", type: "date", value: to })),
    h("button.primary", { type: "submit" }, "Show"));
  form.addEventListener("submit", e => { e.preventDefault(); location.hash = `#/ops/report?from=${form.from.value}&to=${form.to.value}`; });
  let body;
  try {
    const r = await api(`/api/settlement/reports/period?from=${from}&to=${to}`);
    const bars = [["moneyIn", "Money in", "#2f6fde"], ["escrowHeld", "In escrow", "#f0a030"], ["platformFees", "Platform fees", "#7a4fd6"],
      ["paidToWorkers", "Paid to workers", "#1a7f37"], ["workerPayables", "Owed to workers", "#9aa9b9"]];
    body = [
      h("div.stats", {}, bars.map(([k, label]) => h("div.stat", {}, h("span.stat-label", {}, label), h("strong.stat-value", {}, money(r[k], r.currency)))),
        h("div.stat", {}, h("span.stat-label", {}, "Ledger"), h("strong.stat-value", {}, r.balanced ? badge("balanced", "ok") : badge(`${r.unbalancedTransactions} unbalanced`, "bad")))),
      card(`Money moved, ${from} to ${to}`, barChart(bars.map(([key, label, color]) => ({ key, label, color, value: r[key] })),
        { title: "Period report", format: v => money(v, r.currency) }), h("p.muted", {}, `${r.transactions} ledger transactions.`)),
    ];
  } catch (e) { body = [h("p.error", { role: "alert" }, e.message)]; }
  fill(view, h("h1", {}, "Period report"), card(null, form), ...body);
}

export async function workers(view, params) {
  const status = params.get("status") || "pending";
  const queue = await api(`/api/tasks/workers/identities?status=${status}&pageSize=50`);
  const rows = queue.items.map(i => {
    const cell = h("div.decide");
    const reason = h("input", { name: "reason", placeholder: "Reason (to reject)", "aria-label": `Reason for ${i.legalName}` });
    const decide = async (decision, path, body) => {
      try { await api(path, { method: "POST", body }); toast(`${decision}: ${i.legalName}`); workers(view, params); }
      catch (e) { toast(e.message, true); }
    };
    if (i.status === "pending") {
      cell.append(h("button.primary.small", { type: "button", onclick: () => decide("Verified", `/api/tasks/workers/${i.workerId}/identity/review`, { decision: "verify" }) }, "Verify"), " ",
        reason, " ", h("button.secondary.small", { type: "button", onclick: () => decide("Rejected", `/api/tasks/workers/${i.workerId}/identity/review`, { decision: "reject", reason: reason.value }) }, "Reject"));
    } else if (i.status === "verified") {
      cell.append(h("button.primary.small", { type: "button", onclick: () => decide("Vetted", `/api/tasks/workers/${i.workerId}/vetting`, { decision: "vet", note: "" }) }, "Vet for important data"), " ",
        reason, " ", h("button.secondary.small", { type: "button", onclick: () => decide("Revoked", `/api/tasks/workers/${i.workerId}/vetting`, { decision: "revoke", note: reason.value }) }, "Revoke"));
    }
    return [i.legalName, i.idNumber, badge(i.status, i.status === "verified" ? "ok" : i.status === "rejected" ? "bad" : "warn"), when(i.submittedAt), cell];
  });
  fill(view, h("h1", {}, "Worker vetting"),
    h("nav.tabs", { "aria-label": "Status" }, ["pending", "verified", "rejected"].map(s => h("a", { href: `#/ops/workers?status=${s}`, "aria-current": s === status ? "page" : null }, s))),
    card(`${queue.total} ${status}`, table(["Legal name", "ID number", "Status", "Submitted", ""], rows, "Nobody waiting.")));
}

export async function users(view) {
  const list = await api("/api/auth/users");
  const form = h("form.inline-form", { novalidate: true }, h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    field("Name", h("input", { name: "displayName" })), field("E-mail", h("input", { name: "email", type: "email" })),
    field("Password", h("input", { name: "password", type: "password", autocomplete: "new-password" })),
    h("button.secondary", { type: "submit" }, "Add operator"));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(form);
    try { await api("/api/auth/operators", { method: "POST", body: Object.fromEntries(new FormData(form)) }); toast("Operator added."); users(view); }
    catch (err) { showProblem(form, err); }
  });
  fill(view, h("h1", {}, "Users"),
    card(`${list.length} accounts`, table(["Name", "E-mail", "Role", "Organisation", "Since"],
      list.map(u => [u.displayName, u.email, badge(u.role), u.organisationName, when(u.createdAt)]))),
    card("New operator", form));
}

const SERVICES = ["orders", "bidding", "tasks", "payouts", "settlement"];

/** Opens a service's Hangfire dashboard in a new tab: the gateway first sets the operator's dashboard cookie (a browser
 *  tab cannot send the bearer token the portal holds). */
async function openDashboard(service) {
  const tab = window.open("about:blank", "_blank");
  try {
    await api("/api/auth/dashboard-session", { method: "POST" });
    if (tab) tab.location.href = `/api/${service}/hangfire/`; else location.href = `/api/${service}/hangfire/`;
  } catch (e) {
    if (tab) tab.close();
    toast(e.message, true);
  }
}

export async function jobs(view) {
  const sections = await Promise.all(SERVICES.map(async service => {
    const dead = await api(`/api/${service}/ops/dead-letters`).catch(e => ({ error: e.message }));
    const deadRows = Array.isArray(dead) ? dead.map(d => [d.queue, d.messageType || "—", h("code", {}, d.messageId),
      [d.exceptionType, d.reason].filter(Boolean).join(": ") || "—",
      h("button.small.secondary", { type: "button", onclick: async () => {
        try { await api(`/api/${service}/ops/dead-letters/${encodeURIComponent(d.queue)}/${d.messageId}/replay`, { method: "POST" }); toast("Replayed."); jobs(view); } catch (e) { toast(e.message, true); }
      } }, "Replay")]) : [];
    return card(service,
      h("p", {}, "Scheduled, running, succeeded and failed jobs, with retry and delete: ",
        h("a.dashboard", { href: `/api/${service}/hangfire/`, onclick: e => { e.preventDefault(); openDashboard(service); } }, `${service} jobs dashboard`)),
      dead.error ? h("p.error", {}, dead.error) : table(["Queue", "Message", "Message id", "Error", ""], deadRows, "No failed messages."));
  }));
  fill(view, h("h1", {}, "Jobs and failed messages"), ...sections);
}
