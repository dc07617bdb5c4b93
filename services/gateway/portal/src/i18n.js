// The portal's languages: Simplified Chinese first, English on request (kept in localStorage). Element Plus takes the
// matching locale (App.vue); numbers, money and dates are formatted for the chosen language here.
import { createI18n } from "vue-i18n";
import pairs from "./messages.js";

const KEY = "mp.lang";

/** messages.js holds each text as [Chinese, English] side by side, so neither language can lose a key. */
function split(node, index) {
  if (Array.isArray(node)) return node[index];
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, split(v, index)]));
}
const zh = split(pairs, 0);
const en = split(pairs, 1);
export const LANGUAGES = [["zh-CN", "中文"], ["en", "English"]];

function stored() {
  try { const v = localStorage.getItem(KEY); return LANGUAGES.some(([k]) => k === v) ? v : null; } catch { return null; }
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: stored() || "zh-CN",
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zh, en },
  missingWarn: false,
  fallbackWarn: false,
});

export function setLanguage(lang) {
  i18n.global.locale.value = lang;
  try { localStorage.setItem(KEY, lang); } catch { /* private mode: this tab only */ }
  document.documentElement.lang = lang;
}
document.documentElement.lang = i18n.global.locale.value;

export const t = (...args) => i18n.global.t(...args);
const locale = () => (i18n.global.locale.value === "en" ? "en-GB" : "zh-CN");

/** A value of one of the API's enumerations (task types, statuses, grades, industries…) in the user's language. */
export function term(group, value) {
  if (value === null || value === undefined || value === "") return "—";
  const key = `enum.${group}.${value}`;
  return i18n.global.te(key) ? t(key) : String(value);
}

/**
 * Money as ¥ with two decimals, or four where the amount has fractions of a fen (a micro-task reward of ¥0.0125):
 * what the ledger holds is never rounded away on screen.
 */
export function money(amount, currency = "CNY") {
  const n = Number(amount ?? 0);
  const fen = n * 100;
  const digits = Math.abs(fen - Math.round(fen)) > 1e-7 ? 4 : 2;
  const text = n.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (currency === "CNY" || !currency ? "¥" : currency + " ") + text;
}

export function num(n) { return n === null || n === undefined ? "—" : Number(n).toLocaleString(locale()); }
export function pct(fraction, digits = 0) {
  return fraction === null || fraction === undefined ? "—" : Number(fraction).toLocaleString(locale(), { style: "percent", maximumFractionDigits: digits });
}

export function when(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(locale(), { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
export function day(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(locale(), { year: "numeric", month: "short", day: "numeric" });
}
