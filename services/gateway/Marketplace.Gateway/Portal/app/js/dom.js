// Small helpers to build markup without innerHTML for user data: every piece of text goes through textContent,
// so CJK or hostile content is shown as written, never parsed.

/** h("button.primary", {onclick}, "Save") */
export function h(spec, props = {}, ...children) {
  // "tag.class.other#id": the id may follow any class.
  const [head, id] = spec.split("#");
  const [name, ...classes] = head.split(".");
  const el = document.createElement(name || "div");
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && !key.includes("-") && key !== "list" && key !== "form") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const SVG = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function money(amount, currency = "CNY") {
  const n = Number(amount ?? 0);
  return (currency === "CNY" ? "¥" : currency + " ") + n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
}

export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return d.toLocaleString("en-GB", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function field(label, control, hint) {
  const id = control.id || (control.id = `f-${Math.random().toString(36).slice(2)}`);
  return h("div.field", {}, h("label", { htmlFor: id }, label), control, hint ? h("p.hint", {}, hint) : null);
}

export function badge(text, kind = "") { return h(`span.badge${kind ? "." + kind : ""}`, {}, text); }

export function table(headers, rows, empty = "Nothing here yet.") {
  if (!rows.length) return h("p.empty", {}, empty);
  return h("table", {}, h("thead", {}, h("tr", {}, headers.map(x => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map(r => h("tr", {}, r.map(c => h("td", {}, c))))));
}

export function card(title, ...children) {
  return h("section.card", {}, title ? h("h2", {}, title) : null, ...children);
}

export function newKey() { return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`; }

/** Replaces el's children, skipping null/false (replaceChildren would show them as text). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
}

/** Renders the current page again through the router, so the old render's timers and key handlers are cleaned up. */
export function rerender() { window.dispatchEvent(new HashChangeEvent("hashchange")); }
