// The workbench's editors build their markup directly (they are pointer- and selection-heavy widgets; Vue renders the
// page around them). Every piece of text goes through textContent, so CJK or hostile content is shown as written.

/** h("button.primary", {onclick}, "Save") */
export function h(spec, props = {}, ...children) {
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
