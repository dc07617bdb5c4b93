// The labeling editors, one per task type. Each answers { el, answer(), peek(), restore(value), onKey(event) } where
// answer() returns the JSON the task type expects (docs/api.md, "Task types and answers") or throws an Error saying
// what is missing, peek() the answer so far (kept on the device until it is sent), restore() puts a kept answer back,
// and onKey handles number keys (pick a class). Enter (submit) is handled by the page.
import { h } from "./dom.js";
import { t } from "../i18n.js";

export function mediaUrl(a) { return a.contentUrl || (/^https?:\/\//i.test(a.content) ? a.content : null); }

export function createEditor(a) {
  switch (a.taskType) {
    case "text-classification": return classification(a, textBlock(a.content));
    case "image-classification": return classification(a, imageBlock(a));
    case "audio-classification": return classification(a, audioBlock(a));
    case "bounding-boxes": return boxes(a);
    case "text-spans": return spans(a);
    case "transcription": return freeText(a, audioBlock(a), t("label.transcription"), t("label.transcriptionHint"));
    case "llm-sft": return freeText(a, h("div.prompt", {}, h("h3", {}, t("label.prompt")), textBlock(a.content)), t("label.idealAnswer"), t("label.idealHint"));
    case "reward-ranking": return ranking(a);
    case "rubric-evaluation": return rubric(a);
    default: return { el: h("p.error", {}, t("label.unsupported", { type: a.taskType })), answer() { throw new Error(t("label.unsupportedShort")); }, peek() { return null; }, restore() {}, onKey() { return false; } };
  }
}

function textBlock(text) { return h("div.item-text", { lang: "zh-CN" }, text); }

function imageBlock(a) {
  const url = mediaUrl(a);
  return url ? h("figure.item-media", {}, h("img.item-image", { src: url, alt: t("label.itemAlt", { item: a.itemId }) }))
    : h("p.error", {}, t("label.imageMissing"));
}

function audioBlock(a) {
  const url = mediaUrl(a);
  return url ? h("figure.item-media", {}, h("audio", { controls: true, preload: "metadata", src: url, "aria-label": t("label.audioFor", { item: a.itemId }) }))
    : h("p.error", {}, t("label.audioMissing"));
}

/** Label buttons numbered 1..n; number keys pick (or toggle, for multi-label). */
function labelPicker(labels, multi, onChange) {
  const chosen = new Set();
  const group = h("div.choices", { role: multi ? "group" : "radiogroup", "aria-label": multi ? t("label.labelsMulti") : t("label.labelOne") });
  const buttons = labels.map((label, i) => {
    const b = h("button.choice", {
      type: "button", role: multi ? "checkbox" : "radio", "aria-checked": "false", dataset: { label },
      onclick: () => pick(i),
    }, h("kbd", {}, String(i + 1)), " ", label);
    group.append(b);
    return b;
  });
  function pick(i) {
    if (i < 0 || i >= labels.length) return false;
    if (multi) { chosen.has(labels[i]) ? chosen.delete(labels[i]) : chosen.add(labels[i]); }
    else { chosen.clear(); chosen.add(labels[i]); }
    buttons.forEach((b, j) => b.setAttribute("aria-checked", String(chosen.has(labels[j]))));
    onChange?.([...chosen]);
    return true;
  }
  function set(values) {
    chosen.clear();
    for (const v of [].concat(values ?? [])) if (labels.includes(v)) chosen.add(v);
    buttons.forEach((b, j) => b.setAttribute("aria-checked", String(chosen.has(labels[j]))));
  }
  return { el: group, chosen, pick, set };
}

function digit(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return -1;
  return /^[1-9]$/.test(e.key) ? Number(e.key) - 1 : -1;
}

function classification(a, content) {
  const picker = labelPicker(a.labels, a.multiLabel);
  return {
    el: h("div.editor", {}, content, h("h3", {}, a.multiLabel ? t("label.chooseAll") : t("label.chooseOne")), picker.el),
    answer() {
      const picked = [...picker.chosen];
      if (!picked.length) throw new Error(t("label.pickFirst"));
      return a.multiLabel ? picked : picked[0];
    },
    peek() { const picked = [...picker.chosen]; return picked.length ? (a.multiLabel ? picked : picked[0]) : null; },
    restore(value) { picker.set(value); },
    onKey(e) { const i = digit(e); return i >= 0 && picker.pick(i); },
  };
}

/**
 * Boxes on an image: press and drag on the image to draw one; drag a box to move it, its corner handle to resize it;
 * click a box to select it (Delete removes it, arrow keys nudge it). Zoom in for large photographs; the viewport
 * scrolls to pan. Coordinates are fractions of the image, so zoom never changes them.
 */
function boxes(a) {
  const list = [];
  let current = a.labels[0];
  let selected = -1;
  let zoom = 1;
  const picker = labelPicker(a.labels, false, chosen => { current = chosen[0]; });
  picker.pick(0);
  const url = mediaUrl(a);
  const img = h("img.item-image", { src: url, alt: t("label.drawAlt", { item: a.itemId }), draggable: false });
  const layer = h("div.box-layer");
  const stage = h("div.box-stage", { "aria-label": t("label.drawArea"), role: "application", tabIndex: 0 }, img, layer);
  const viewport = h("div.box-viewport", {}, stage);
  const listEl = h("ol.box-list", { "aria-label": t("label.boxesDrawn") });
  const round = v => Math.round(v * 10000) / 10000;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  let drag = null; // { kind: draw | move | resize, start, box, origin, ghost }

  function point(e) {
    const r = img.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width, 0, 1), y: clamp((e.clientY - r.top) / r.height, 0, 1) };
  }
  function rect(p, q) {
    return { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), width: Math.abs(p.x - q.x), height: Math.abs(p.y - q.y) };
  }
  function place(el, b) {
    Object.assign(el.style, { left: `${b.x * 100}%`, top: `${b.y * 100}%`, width: `${b.width * 100}%`, height: `${b.height * 100}%` });
  }
  function setZoom(z) {
    zoom = clamp(z, 1, 4);
    img.style.width = zoom === 1 ? "" : `${img.naturalWidth * zoom}px`;
    img.style.maxWidth = zoom === 1 ? "" : "none";
    img.style.maxHeight = zoom === 1 ? "" : "none";
  }
  stage.addEventListener("pointerdown", e => {
    if (e.button !== 0) return;
    e.preventDefault();
    stage.focus({ preventScroll: true });
    stage.setPointerCapture?.(e.pointerId);
    const p = point(e);
    const boxEl = e.target.closest?.(".box:not(.ghost)");
    if (boxEl) {
      const i = Number(boxEl.dataset.index);
      selected = i;
      drag = { kind: e.target.classList.contains("handle") ? "resize" : "move", start: p, index: i, origin: { ...list[i] } };
      render();
      return;
    }
    const ghost = h("div.box.ghost");
    layer.append(ghost);
    place(ghost, rect(p, p));
    drag = { kind: "draw", start: p, ghost };
  });
  stage.addEventListener("pointermove", e => {
    if (!drag) return;
    const p = point(e);
    if (drag.kind === "draw") { place(drag.ghost, rect(drag.start, p)); return; }
    const o = drag.origin;
    const b = list[drag.index];
    if (drag.kind === "move") {
      b.x = round(clamp(o.x + p.x - drag.start.x, 0, 1 - o.width));
      b.y = round(clamp(o.y + p.y - drag.start.y, 0, 1 - o.height));
    } else {
      b.width = round(clamp(o.width + p.x - drag.start.x, 0.005, 1 - o.x));
      b.height = round(clamp(o.height + p.y - drag.start.y, 0.005, 1 - o.y));
    }
    place(layer.children[drag.index], b);
  });
  stage.addEventListener("pointerup", e => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.kind !== "draw") { render(); changed(); return; }
    const b = rect(d.start, point(e));
    d.ghost.remove();
    if (b.width < 0.005 || b.height < 0.005) return;
    list.push({ label: current, x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) });
    selected = list.length - 1;
    render();
    changed();
  });
  function changed() { stage.dispatchEvent(new Event("answerchange", { bubbles: true })); }
  function render() {
    layer.replaceChildren(...list.map((b, i) => {
      const el = h(`div.box${i === selected ? ".selected" : ""}`, { title: b.label, dataset: { index: i } },
        h("span.box-tag", {}, `${i + 1} ${b.label}`), h("span.handle", { "aria-hidden": "true" }));
      place(el, b);
      return el;
    }));
    listEl.replaceChildren(...list.map((b, i) => h("li", { dataset: { index: i } },
      h("span", {}, `${b.label}: x ${b.x.toFixed(3)}, y ${b.y.toFixed(3)}, ${b.width.toFixed(3)} × ${b.height.toFixed(3)}`), " ",
      h("button.link", { type: "button", onclick: () => { list.splice(i, 1); selected = -1; render(); changed(); } }, t("label.removeBox", { n: i + 1 })))));
  }
  const zoomBar = h("div.zoom-bar", {},
    h("button.small.zoom-in", { type: "button", onclick: () => setZoom(zoom * 1.5) }, "＋ ", t("label.zoomIn")),
    h("button.small.zoom-out", { type: "button", onclick: () => setZoom(zoom / 1.5) }, "－ ", t("label.zoomOut")),
    h("button.small.zoom-fit", { type: "button", onclick: () => setZoom(1) }, t("label.zoomReset")));
  return {
    el: h("div.editor", {}, h("h3", {}, t("label.boxClass")), picker.el, zoomBar, viewport, listEl),
    answer() { if (!list.length) throw new Error(t("label.drawOne")); return list.map(b => ({ ...b })); },
    peek() { return list.length ? list.map(b => ({ ...b })) : null; },
    restore(value) {
      if (!Array.isArray(value)) return;
      list.splice(0, list.length, ...value.filter(b => b && typeof b.x === "number"));
      render();
    },
    onKey(e) {
      const i = digit(e);
      if (i >= 0) return picker.pick(i);
      if (selected < 0 || selected >= list.length) return false;
      const b = list[selected];
      const step = e.shiftKey ? 0.02 : 0.005;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (e.key === "Delete" || e.key === "Backspace") { list.splice(selected, 1); selected = -1; render(); changed(); return true; }
      if (moves[e.key]) {
        b.x = round(clamp(b.x + moves[e.key][0], 0, 1 - b.width));
        b.y = round(clamp(b.y + moves[e.key][1], 0, 1 - b.height));
        render(); changed();
        return true;
      }
      return false;
    },
    boxes: list,
  };
}

function spans(a) {
  const text = a.content;
  const list = [];
  let current = a.labels[0];
  const picker = labelPicker(a.labels, false, chosen => { current = chosen[0]; });
  picker.pick(0);
  const textEl = h("div.item-text.span-text", { lang: "zh-CN", tabIndex: 0, "aria-label": t("label.spanText") });
  const listEl = h("ol.span-list", { "aria-label": t("label.spansMarked") });
  const note = h("p.hint", { role: "status" });

  function offsetOf(node, offset) {
    const r = document.createRange();
    r.setStart(textEl, 0);
    r.setEnd(node, offset);
    return r.toString().length;
  }
  function takeSelection() {
    const sel = getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!textEl.contains(range.startContainer) || !textEl.contains(range.endContainer)) return;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    sel.removeAllRanges();
    if (end <= start) return;
    if (list.some(s => start < s.end && s.start < end)) { note.textContent = t("label.noOverlap"); return; }
    list.push({ label: current, start, end });
    list.sort((x, y) => x.start - y.start);
    note.textContent = t("label.marked", { text: text.slice(start, end), label: current });
    render();
    textEl.dispatchEvent(new Event("answerchange", { bubbles: true }));
  }
  textEl.addEventListener("mouseup", takeSelection);
  textEl.addEventListener("keyup", e => { if (e.shiftKey) takeSelection(); });
  function render() {
    const parts = [];
    let at = 0;
    for (const s of list) {
      if (s.start > at) parts.push(text.slice(at, s.start));
      parts.push(h("mark", { dataset: { label: s.label }, title: s.label }, text.slice(s.start, s.end)));
      at = s.end;
    }
    parts.push(text.slice(at));
    // The label shows through CSS (mark::after), so the text nodes hold exactly the item's text and offsets stay true.
    textEl.replaceChildren(...parts);
    listEl.replaceChildren(...list.map((s, i) => h("li", {}, h("span", {}, `${s.label}: “${text.slice(s.start, s.end)}” (${s.start}–${s.end})`), " ",
      h("button.link", { type: "button", onclick: () => { list.splice(i, 1); render(); textEl.dispatchEvent(new Event("answerchange", { bubbles: true })); } }, t("label.removeSpan", { n: i + 1 })))));
  }
  render();
  return {
    el: h("div.editor", {}, h("h3", {}, t("label.spanType")), picker.el, textEl, note, listEl),
    answer() { if (!list.length) throw new Error(t("label.selectOne")); return list.map(s => ({ ...s })); },
    peek() { return list.length ? list.map(s => ({ ...s })) : null; },
    restore(value) {
      if (!Array.isArray(value)) return;
      list.splice(0, list.length, ...value.filter(s => s && s.end <= text.length));
      render();
    },
    onKey(e) { const i = digit(e); return i >= 0 && picker.pick(i); },
  };
}

function freeText(a, content, label, hint) {
  const area = h("textarea.answer", { rows: 8, name: "answer", lang: "zh-CN", placeholder: hint });
  const id = `ans-${a.assignmentId || a.id}`;
  area.id = id;
  return {
    el: h("div.editor", {}, content, h("div.field", {}, h("label", { htmlFor: id }, label), area, h("p.hint", {}, t("label.ctrlEnter")))),
    answer() { const v = area.value.trim(); if (!v) throw new Error(t("label.writeFirst")); return area.value; },
    peek() { return area.value ? area.value : null; },
    restore(value) { if (typeof value === "string") area.value = value; },
    onKey() { return false; },
    focusTarget: area,
  };
}

function ranking(a) {
  let item;
  try { item = JSON.parse(a.content); } catch { item = { prompt: a.content, responses: [] }; }
  const order = item.responses.map((_, i) => i);
  const listEl = h("ol.ranking", { "aria-label": t("label.rankList") });
  const letter = i => String.fromCharCode(65 + i);
  function move(pos, by) {
    const to = pos + by;
    if (to < 0 || to >= order.length) return;
    [order[pos], order[to]] = [order[to], order[pos]];
    render(order[to]);
    listEl.dispatchEvent(new Event("answerchange", { bubbles: true }));
  }
  function render(focusIndex) {
    listEl.replaceChildren(...order.map((r, pos) => h("li.rank", { dataset: { response: r } },
      h("div.rank-head", {}, h("strong", {}, t("label.response", { l: letter(r) })),
        h("span.rank-actions", {},
          h("button.small.secondary", { type: "button", disabled: pos === 0, "aria-label": t("label.moveUp", { l: letter(r) }), onclick: () => move(pos, -1) }, t("label.better")),
          h("button.small.secondary", { type: "button", disabled: pos === order.length - 1, "aria-label": t("label.moveDown", { l: letter(r) }), onclick: () => move(pos, 1) }, t("label.worse")))),
      h("div.item-text", { lang: "zh-CN" }, item.responses[r]))));
    if (focusIndex !== undefined) listEl.querySelector(`[data-response="${focusIndex}"] button:not([disabled])`)?.focus();
  }
  render();
  return {
    el: h("div.editor", {}, h("div.prompt", {}, h("h3", {}, t("label.prompt")), textBlock(item.prompt)),
      h("h3", {}, t("label.rankTitle")), h("p.hint", {}, t("label.rankHint")), listEl),
    answer() { return [...order]; },
    peek() { return [...order]; },
    restore(value) {
      if (!Array.isArray(value) || value.length !== order.length || !order.every(i => value.includes(i))) return;
      order.splice(0, order.length, ...value);
      render();
    },
    onKey(e) {
      const i = digit(e);
      if (i < 0 || i >= order.length) return false;
      order.splice(order.indexOf(i), 1);
      order.unshift(i);
      render();
      return true;
    },
  };
}

function rubric(a) {
  const criteria = Array.isArray(a.criteria) ? a.criteria : [];
  const inputs = criteria.map(c => h("input", { type: "number", min: c.min, max: c.max, step: 1, name: `answer.${c.name}`, required: true }));
  return {
    el: h("div.editor", {}, textBlock(a.content), h("h3", {}, t("label.scoreEach")),
      h("div.rubric", {}, criteria.map((c, i) => {
        inputs[i].id = `crit-${i}`;
        return h("div.field", {}, h("label", { htmlFor: inputs[i].id }, `${c.name} (${c.min}–${c.max})`), inputs[i]);
      }))),
    answer() {
      const out = {};
      criteria.forEach((c, i) => {
        if (inputs[i].value === "") throw new Error(t("label.scoreMissing", { name: c.name }));
        out[c.name] = Number(inputs[i].value);
      });
      return out;
    },
    peek() {
      const out = {};
      criteria.forEach((c, i) => { if (inputs[i].value !== "") out[c.name] = Number(inputs[i].value); });
      return Object.keys(out).length ? out : null;
    },
    restore(value) { if (value && typeof value === "object") criteria.forEach((c, i) => { if (value[c.name] !== undefined) inputs[i].value = String(value[c.name]); }); },
    onKey() { return false; },
  };
}
