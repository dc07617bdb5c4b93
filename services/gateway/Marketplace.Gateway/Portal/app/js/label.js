// The labeling editors, one per task type. Each answers { el, answer(), onKey(event) } where answer() returns the
// JSON the task type expects (docs/api.md, "Task types and answers") or throws an Error saying what is missing, and
// onKey handles number keys (pick a class). Enter (submit) is handled by the page.
import { h } from "./dom.js";

export function mediaUrl(a) { return a.contentUrl || (/^https?:\/\//i.test(a.content) ? a.content : null); }

export function createEditor(a) {
  switch (a.taskType) {
    case "text-classification": return classification(a, textBlock(a.content));
    case "image-classification": return classification(a, imageBlock(a));
    case "audio-classification": return classification(a, audioBlock(a));
    case "bounding-boxes": return boxes(a);
    case "text-spans": return spans(a);
    case "transcription": return freeText(a, audioBlock(a), "Transcription", "Type exactly what is said.");
    case "llm-sft": return freeText(a, h("div.prompt", {}, h("h3", {}, "Prompt"), textBlock(a.content)), "Your ideal answer", "Write the answer the model should give.");
    case "reward-ranking": return ranking(a);
    case "rubric-evaluation": return rubric(a);
    default: return { el: h("p.error", {}, `This task type (${a.taskType}) cannot be labeled in the portal yet.`), answer() { throw new Error("Unsupported task type."); }, onKey() { return false; } };
  }
}

function textBlock(text) { return h("div.item-text", { lang: "zh-CN" }, text); }

function imageBlock(a) {
  const url = mediaUrl(a);
  return url ? h("figure.item-media", {}, h("img.item-image", { src: url, alt: `Item ${a.itemId}` }))
    : h("p.error", {}, "The image link is missing.");
}

function audioBlock(a) {
  const url = mediaUrl(a);
  return url ? h("figure.item-media", {}, h("audio", { controls: true, preload: "metadata", src: url, "aria-label": `Audio for item ${a.itemId}` }))
    : h("p.error", {}, "The audio link is missing.");
}

/** Label buttons numbered 1..n; number keys pick (or toggle, for multi-label). */
function labelPicker(labels, multi, onChange) {
  const chosen = new Set();
  const group = h("div.choices", { role: multi ? "group" : "radiogroup", "aria-label": multi ? "Labels (pick all that apply)" : "Label" });
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
  return { el: group, chosen, pick };
}

function digit(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return -1;
  return /^[1-9]$/.test(e.key) ? Number(e.key) - 1 : -1;
}

function classification(a, content) {
  const picker = labelPicker(a.labels, a.multiLabel);
  return {
    el: h("div.editor", {}, content, h("h3", {}, a.multiLabel ? "Choose every label that applies" : "Choose a label"), picker.el),
    answer() {
      const picked = [...picker.chosen];
      if (!picked.length) throw new Error("Pick a label first (click it or press its number).");
      return a.multiLabel ? picked : picked[0];
    },
    onKey(e) { const i = digit(e); return i >= 0 && picker.pick(i); },
  };
}

function boxes(a) {
  const list = [];
  let current = a.labels[0];
  const picker = labelPicker(a.labels, false, chosen => { current = chosen[0]; });
  picker.pick(0);
  const url = mediaUrl(a);
  const img = h("img.item-image", { src: url, alt: `Item ${a.itemId}: draw boxes on it`, draggable: false });
  const layer = h("div.box-layer");
  const stage = h("div.box-stage", { "aria-label": "Drawing area: press and drag to draw a box", role: "application" }, img, layer);
  const listEl = h("ol.box-list", { "aria-label": "Boxes drawn" });
  let start = null;
  let ghost = null;

  function point(e) {
    const r = img.getBoundingClientRect();
    return { x: Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), y: Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)) };
  }
  function rect(p, q) {
    return { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), width: Math.abs(p.x - q.x), height: Math.abs(p.y - q.y) };
  }
  function place(el, b) {
    Object.assign(el.style, { left: `${b.x * 100}%`, top: `${b.y * 100}%`, width: `${b.width * 100}%`, height: `${b.height * 100}%` });
  }
  stage.addEventListener("pointerdown", e => {
    if (e.button !== 0) return;
    e.preventDefault();
    stage.setPointerCapture?.(e.pointerId);
    start = point(e);
    ghost = h("div.box.ghost");
    layer.append(ghost);
    place(ghost, rect(start, start));
  });
  stage.addEventListener("pointermove", e => { if (start) place(ghost, rect(start, point(e))); });
  stage.addEventListener("pointerup", e => {
    if (!start) return;
    const b = rect(start, point(e));
    ghost.remove();
    start = null;
    if (b.width < 0.005 || b.height < 0.005) return;
    const round = v => Math.round(v * 10000) / 10000;
    list.push({ label: current, x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) });
    render();
  });
  function render() {
    layer.replaceChildren(...list.map((b, i) => {
      const el = h("div.box", { title: b.label }, h("span.box-tag", {}, `${i + 1} ${b.label}`));
      place(el, b);
      return el;
    }));
    listEl.replaceChildren(...list.map((b, i) => h("li", {},
      h("span", {}, `${b.label}: x ${b.x.toFixed(3)}, y ${b.y.toFixed(3)}, ${b.width.toFixed(3)} × ${b.height.toFixed(3)}`), " ",
      h("button.link", { type: "button", onclick: () => { list.splice(i, 1); render(); } }, `Remove box ${i + 1}`))));
  }
  return {
    el: h("div.editor", {}, h("h3", {}, "Class for the next box"), picker.el, stage, listEl),
    answer() { if (!list.length) throw new Error("Draw at least one box: press on the image and drag."); return list.map(b => ({ ...b })); },
    onKey(e) { const i = digit(e); return i >= 0 && picker.pick(i); },
    boxes: list,
  };
}

function spans(a) {
  const text = a.content;
  const list = [];
  let current = a.labels[0];
  const picker = labelPicker(a.labels, false, chosen => { current = chosen[0]; });
  picker.pick(0);
  const textEl = h("div.item-text.span-text", { lang: "zh-CN", tabIndex: 0, "aria-label": "Text: select a passage to mark it with the chosen label" });
  const listEl = h("ol.span-list", { "aria-label": "Marked spans" });
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
    if (list.some(s => start < s.end && s.start < end)) { note.textContent = "Spans may not overlap: remove the other one first."; return; }
    list.push({ label: current, start, end });
    list.sort((x, y) => x.start - y.start);
    note.textContent = `Marked “${text.slice(start, end)}” as ${current}.`;
    render();
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
      h("button.link", { type: "button", onclick: () => { list.splice(i, 1); render(); } }, `Remove span ${i + 1}`))));
  }
  render();
  return {
    el: h("div.editor", {}, h("h3", {}, "Entity type for the next selection"), picker.el, textEl, note, listEl),
    answer() { if (!list.length) throw new Error("Select at least one passage in the text."); return list.map(s => ({ ...s })); },
    onKey(e) { const i = digit(e); return i >= 0 && picker.pick(i); },
  };
}

function freeText(a, content, label, hint) {
  const area = h("textarea.answer", { rows: 8, name: "answer", lang: "zh-CN", placeholder: hint });
  const id = `ans-${a.assignmentId || a.id}`;
  area.id = id;
  return {
    el: h("div.editor", {}, content, h("div.field", {}, h("label", { htmlFor: id }, label), area, h("p.hint", {}, "Ctrl+Enter submits."))),
    answer() { const v = area.value.trim(); if (!v) throw new Error("Write your answer first."); return area.value; },
    onKey() { return false; },
    focusTarget: area,
  };
}

function ranking(a) {
  let item;
  try { item = JSON.parse(a.content); } catch { item = { prompt: a.content, responses: [] }; }
  const order = item.responses.map((_, i) => i);
  const listEl = h("ol.ranking", { "aria-label": "Responses, best first" });
  const letter = i => String.fromCharCode(65 + i);
  function move(pos, by) {
    const to = pos + by;
    if (to < 0 || to >= order.length) return;
    [order[pos], order[to]] = [order[to], order[pos]];
    render(order[to]);
  }
  function render(focusIndex) {
    listEl.replaceChildren(...order.map((r, pos) => h("li.rank", { dataset: { response: r } },
      h("div.rank-head", {}, h("strong", {}, `Response ${letter(r)}`),
        h("span.rank-actions", {},
          h("button.small.secondary", { type: "button", disabled: pos === 0, "aria-label": `Move response ${letter(r)} up`, onclick: () => move(pos, -1) }, "▲ Better"),
          h("button.small.secondary", { type: "button", disabled: pos === order.length - 1, "aria-label": `Move response ${letter(r)} down`, onclick: () => move(pos, 1) }, "▼ Worse"))),
      h("div.item-text", { lang: "zh-CN" }, item.responses[r]))));
    if (focusIndex !== undefined) listEl.querySelector(`[data-response="${focusIndex}"] button:not([disabled])`)?.focus();
  }
  render();
  return {
    el: h("div.editor", {}, h("div.prompt", {}, h("h3", {}, "Prompt"), textBlock(item.prompt)),
      h("h3", {}, "Rank the responses, best first"), h("p.hint", {}, "Number keys move that response to the top."), listEl),
    answer() { return [...order]; },
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
    el: h("div.editor", {}, textBlock(a.content), h("h3", {}, "Score each criterion"),
      h("div.rubric", {}, criteria.map((c, i) => {
        inputs[i].id = `crit-${i}`;
        return h("div.field", {}, h("label", { htmlFor: inputs[i].id }, `${c.name} (${c.min}–${c.max})`), inputs[i]);
      }))),
    answer() {
      const out = {};
      criteria.forEach((c, i) => {
        if (inputs[i].value === "") throw new Error(`Score “${c.name}”.`);
        out[c.name] = Number(inputs[i].value);
      });
      return out;
    },
    onKey() { return false; },
  };
}
