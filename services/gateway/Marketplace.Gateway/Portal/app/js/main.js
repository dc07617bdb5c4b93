// The router: #/path?query -> a page function. Each page renders into <main id="view">; a page may return a cleanup
// function (timers, key handlers) that runs when the user leaves it.
import { api, session, showProblem, clearProblem, toast } from "./api.js";
import { h, field, card, fill } from "./dom.js";
import * as worker from "./worker.js";
import * as enterprise from "./enterprise.js";
import * as operator from "./operator.js";
import { examPage } from "./exam.js";

const NAV = {
  worker: [["#/work", "Available work"], ["#/label", "Labeling"], ["#/history", "My submissions"], ["#/profile", "Profile"], ["#/earnings", "Earnings"]],
  enterprise: [["#/orders", "Orders"], ["#/orders/new", "New order"], ["#/wallet", "Wallet"]],
  operator: [["#/ops/report", "Period report"], ["#/ops/workers", "Worker vetting"], ["#/ops/users", "Users"], ["#/ops/jobs", "Jobs"]],
  vendor: [],
};
const HOME = { worker: "#/work", enterprise: "#/orders", operator: "#/ops/report", vendor: "#/vendor" };

const routes = [
  [/^\/signin$/, signIn, null],
  [/^\/register$/, register, null],
  [/^\/work$/, worker.availableWork, "worker"],
  [/^\/label$/, worker.labeling, "worker"],
  [/^\/history$/, worker.history, "worker"],
  [/^\/profile$/, worker.profile, "worker"],
  [/^\/earnings$/, worker.earnings, "worker"],
  [/^\/exam\/([0-9a-f-]{36})$/i, examPage, "worker"],
  [/^\/orders$/, enterprise.orders, "enterprise"],
  [/^\/orders\/new$/, enterprise.newOrder, "enterprise"],
  [/^\/orders\/([0-9a-f-]{36})$/i, enterprise.orderPage, "enterprise operator"],
  [/^\/wallet$/, enterprise.wallet, "enterprise"],
  [/^\/ops\/report$/, operator.report, "operator"],
  [/^\/ops\/workers$/, operator.workers, "operator"],
  [/^\/ops\/users$/, operator.users, "operator"],
  [/^\/ops\/jobs$/, operator.jobs, "operator"],
  [/^\/vendor$/, vendorHome, "vendor"],
];

let cleanup = null;
let navigation = 0;

function runCleanup(fn) { if (typeof fn === "function") { try { fn(); } catch { /* ignore */ } } }

async function route() {
  runCleanup(cleanup);
  cleanup = null;
  const current = ++navigation;
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  const params = new URLSearchParams(query);
  const user = session.user;
  renderChrome(user, path);
  const view = document.getElementById("view");
  if (path === "/" || path === "") { location.replace(user ? HOME[user.role] : "#/signin"); return; }
  const match = routes.find(([re]) => re.test(path));
  if (!match) { fill(view, notFound("This page does not exist.")); return; }
  const [re, page, roles] = match;
  if (roles && !user) { location.replace("#/signin?next=" + encodeURIComponent("#" + raw)); return; }
  if (roles && !roles.split(" ").includes(user.role)) { fill(view, notFound(`This page is for ${roles.replace(" ", " and ")} accounts.`)); return; }
  const args = path.match(re).slice(1);
  fill(view, h("p.muted", {}, "Loading…"));
  // The page renders into its own box, shown only if the user has not gone elsewhere meanwhile: a slow page must not
  // overwrite the one that replaced it.
  const box = h("div.page");
  let done;
  try {
    done = await page(box, params, ...args);
  } catch (e) {
    fill(box, e.status === 404 ? notFound(e.message) : card("Something went wrong", h("p.error", { role: "alert" }, e.message)));
  }
  if (current !== navigation) { runCleanup(done); return; }
  cleanup = done;
  fill(view, box);
  document.title = (box.querySelector("h1")?.textContent || "Marketplace") + " — Marketplace";
  box.querySelector("[autofocus], [data-autofocus]")?.focus();
}

export function notFound(text) {
  return h("section.card.notfound", { role: "alert" }, h("h1", {}, "Not found"), h("p", {}, text), h("p", {}, h("a", { href: "#/" }, "Back to your start page")));
}

function renderChrome(user, path) {
  const nav = document.getElementById("nav");
  nav.replaceChildren(...(user ? NAV[user.role] || [] : []).map(([href, text]) =>
    h("a", { href, "aria-current": ("#" + path) === href ? "page" : null }, text)));
  const account = document.getElementById("account");
  account.replaceChildren(user
    ? h("span", {}, h("span.who", {}, `${user.displayName} · ${user.role}`), h("button.link", { type: "button", onclick: signOut }, "Sign out"))
    : h("a", { href: "#/signin" }, "Sign in"));
}

function signOut() { session.clear(); location.hash = "#/signin"; }

async function signIn(view, params) {
  const form = h("form.stack", { novalidate: true },
    h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    field("E-mail", h("input", { name: "email", type: "email", autocomplete: "username", required: true, autofocus: true })),
    field("Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    h("button.primary", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(form);
    const data = Object.fromEntries(new FormData(form));
    try {
      const token = await api("/api/auth/token", { method: "POST", body: data });
      session.save(token.accessToken, { userId: token.userId, organisationId: token.organisationId, role: token.role, displayName: data.email });
      const me = await api("/api/auth/me");
      session.save(token.accessToken, { userId: token.userId, organisationId: token.organisationId, role: token.role, displayName: me.displayName, email: me.email, organisationName: me.organisationName });
      const next = params.get("next");
      location.hash = next && next.startsWith("#/") ? next : HOME[token.role];
    } catch (err) { showProblem(form, err); }
  });
  fill(view, h("div.narrow", {},
    h("h1", {}, "Sign in"),
    params.get("expired") ? h("p.notice", {}, "Your session has ended; sign in again.") : null,
    card(null, form),
    h("p", {}, "New here? ", h("a", { href: "#/register" }, "Create an account"), " — as a worker to label data, or as an enterprise to order labels.")));
}

async function register(view) {
  const form = h("form.stack", { novalidate: true },
    h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 }),
    h("fieldset.roles", {}, h("legend", {}, "I want to"),
      h("label.choice", {}, h("input", { type: "radio", name: "role", value: "worker", checked: true }), " label data and earn (worker, 标注员)"),
      h("label.choice", {}, h("input", { type: "radio", name: "role", value: "enterprise" }), " order labeled data (enterprise, 需求方)"),
      h("label.choice", {}, h("input", { type: "radio", name: "role", value: "vendor" }), " offer labeling services (vendor, 标注企业)")),
    field("Display name", h("input", { name: "displayName", autocomplete: "name", required: true })),
    field("Organisation", h("input", { name: "organisationName", autocomplete: "organization", required: true }), "Workers: your own name or team is fine."),
    field("E-mail", h("input", { name: "email", type: "email", autocomplete: "username", required: true })),
    field("Password", h("input", { name: "password", type: "password", autocomplete: "new-password", required: true })),
    h("button.primary", { type: "submit" }, "Create account"));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    clearProblem(form);
    const data = Object.fromEntries(new FormData(form));
    try {
      await api("/api/auth/register", { method: "POST", body: data });
      const token = await api("/api/auth/token", { method: "POST", body: { email: data.email, password: data.password } });
      session.save(token.accessToken, { userId: token.userId, organisationId: token.organisationId, role: token.role, displayName: data.displayName, email: data.email, organisationName: data.organisationName });
      toast("Welcome! Your account is ready.");
      location.hash = token.role === "worker" ? "#/profile" : HOME[token.role];
    } catch (err) { showProblem(form, err); }
  });
  fill(view, h("div.narrow", {}, h("h1", {}, "Create an account"), card(null, form),
    h("p", {}, "Already registered? ", h("a", { href: "#/signin" }, "Sign in"))));
}

async function vendorHome(view) {
  fill(view, h("h1", {}, "Vendor"), card("Coming next",
    h("p", {}, "Bidding and the vendor catalogue are available through the API (see /api/orders/openapi/v1.json); their pages come next.")));
}

window.addEventListener("hashchange", route);
route();
