// A model backend's failed call ({ call, code, params }: tasks' model-backend API, docs/api.md) in the reader's language.
// The figure `detail` (a socket's error, why a prediction was refused) is the server's English and comes back apart, for
// the page to mark lang="en". Null for a code this portal does not know: the caller shows the server's sentence.
import { i18n, num } from "./i18n.js";

const COUNTS = ["status", "bytes", "seconds", "results", "tasks", "refused"];

export function backendFailureText(failure) {
  const { t, te } = i18n.global;
  const key = `modelBackend.failureCodes.${failure?.code}`;
  if (!failure?.code || !te(key)) return null;
  const p = failure.params ?? {};
  const figures = { ...p, call: `/${failure.call}` };
  for (const k of COUNTS) if (p[k] !== undefined) figures[k] = k === "status" ? String(p[k]) : num(p[k]);
  return { text: t(key, figures), detail: p.detail ?? null };
}
