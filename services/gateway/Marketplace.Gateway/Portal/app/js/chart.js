// Charts drawn as inline SVG, no library: a bar chart with labelled values. Each bar carries data-key and
// data-value so what it shows can be read back (and tested) without measuring pixels.
import { s } from "./dom.js";

/** bars: [{key, label, value, color}] -> <svg role="img"> */
export function barChart(bars, { title, width = 560, height = 240, format = v => String(v) } = {}) {
  const pad = { top: 20, right: 12, bottom: 40, left: 12 };
  const max = Math.max(1, ...bars.map(b => Number(b.value) || 0));
  const plotH = height - pad.top - pad.bottom;
  const slot = (width - pad.left - pad.right) / Math.max(1, bars.length);
  const barW = Math.min(64, slot * 0.6);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": title || "chart", class: "chart" });
  svg.append(s("title", {}, title ? `${title}: ${bars.map(b => `${b.label} ${format(b.value)}`).join(", ")}` : ""));
  svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: pad.top + plotH, y2: pad.top + plotH, class: "axis" }));
  bars.forEach((b, i) => {
    const v = Number(b.value) || 0;
    const hgt = Math.abs(v) / max * plotH;
    const x = pad.left + slot * i + (slot - barW) / 2;
    const y = pad.top + plotH - hgt;
    const g = s("g", { class: "bar" });
    g.append(s("rect", { x: x.toFixed(1), y: y.toFixed(1), width: barW.toFixed(1), height: hgt.toFixed(1), rx: 3, fill: b.color || "#2f6fde",
      "data-key": b.key, "data-value": String(b.value) }));
    g.append(s("text", { x: (x + barW / 2).toFixed(1), y: (y - 5).toFixed(1), "text-anchor": "middle", class: "value" }, format(b.value)));
    g.append(s("text", { x: (x + barW / 2).toFixed(1), y: (pad.top + plotH + 18).toFixed(1), "text-anchor": "middle", class: "label" }, b.label));
    svg.append(g);
  });
  return svg;
}
