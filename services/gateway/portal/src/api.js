// The fetch wrapper: adds the bearer token kept in sessionStorage, reads ProblemDetails, and signs the user out on a
// 401. Errors carry the server's title/detail and field errors; the portal shows them in the user's language by the
// problem's stable code (problemCodes.js; network and session errors too), the server's text otherwise.
import { reactive } from "vue";
import { ElMessage } from "element-plus/es/components/message/index.mjs";
import { t } from "./i18n.js";
import { fieldMessages, problemMessage } from "./problemCodes.js";

const TOKEN = "mp.token";
const USER = "mp.user";

function read() { try { return JSON.parse(sessionStorage.getItem(USER)); } catch { return null; } }

/** The signed-in user, reactive so the header follows sign-in and sign-out. */
export const session = reactive({
  token: sessionStorage.getItem(TOKEN),
  user: read(),
  save(token, user) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(USER, JSON.stringify(user));
    this.token = token;
    this.user = user;
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
    this.token = null;
    this.user = null;
  },
});

/**
 * Keeps a sign-in answer (POST /api/auth/token, or /api/auth/switch: the same shape) as the session: the token and whom
 * it acts for, the organisation and the person's role there (a token without one is its founder's: owner).
 */
export function actFor(answer, { email, displayName } = {}) {
  session.save(answer.accessToken, {
    userId: answer.userId, organisationId: answer.organisationId, role: answer.role, displayName: displayName || answer.displayName,
    email: email ?? session.user?.email, organisationName: answer.organisationName, orgRole: answer.orgRole || "owner",
  });
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problemMessage(problem) || t("app.serverAnswered", { status }));
    this.status = status;
    this.problem = problem || {};
  }
  /** The stable code (docs/api.md "Problem codes"), e.g. bid.over_budget. */
  get code() { return this.problem.code || null; }
  /** Each field's messages, translated by the field's code where the portal knows it. */
  get fieldErrors() { return fieldMessages(this.problem); }
}

let onExpired = () => {};
export function whenSessionExpires(fn) { onExpired = fn; }

function headers(extra) {
  const h = { Accept: "application/json", ...extra };
  if (session.token && !h.Authorization) h.Authorization = "Bearer " + session.token;
  return h;
}

/**
 * Calls /api/... and answers the parsed JSON (null for 204). Throws ApiError for a 4xx/5xx. With `total`, a list paged by
 * headers answers { items, total } (X-Total-Count).
 */
export async function api(path, { method = "GET", body, idempotencyKey, headers: extra = {}, rawBody, total = false } = {}) {
  const h = headers(extra);
  if (idempotencyKey) h["Idempotency-Key"] = idempotencyKey;
  let payload = rawBody;
  if (body !== undefined) { h["Content-Type"] = "application/json; charset=utf-8"; payload = JSON.stringify(body); }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload });
  } catch {
    throw new ApiError(0, { title: t("app.networkTitle"), detail: t("app.networkDetail") });
  }
  if (response.status === 401 && session.token) {
    session.clear();
    onExpired();
    throw new ApiError(401, { detail: t("app.sessionEnded") });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = { detail: text }; } }
  if (!response.ok) throw new ApiError(response.status, data);
  if (total) return { items: data, total: Number(response.headers.get("X-Total-Count") ?? data.length) };
  return data;
}

/** Fetches a CSV (or any file) with the bearer token and hands it to the browser as a download. */
export async function download(path, fileName) {
  const response = await fetch(path, { headers: headers({ Accept: "text/csv" }) });
  if (!response.ok) {
    let data = null;
    try { data = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, data);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Uploads raw bytes with progress (fetch has no upload progress; XMLHttpRequest does). */
export function upload(path, file, onProgress, extra = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", path);
    if (session.token) xhr.setRequestHeader("Authorization", "Bearer " + session.token);
    for (const [name, value] of Object.entries(extra)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* empty */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data); else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: t("app.uploadInterrupted") }));
    xhr.send(file);
  });
}

export function toast(text, isError = false) {
  ElMessage({ message: text, type: isError ? "error" : "success", duration: 5000, showClose: isError, grouping: true });
}

/** An API error as a message: the detail (or title), then each field's messages. */
export function toastError(e) {
  const fields = Object.entries(e.fieldErrors || {}).map(([f, m]) => `${f}: ${[].concat(m).join(" ")}`);
  toast([e.message, ...fields].join("\n"), true);
}

/**
 * The password again for one sensitive request (where money goes, money out): exchanged for a short-lived step-up token
 * (POST /api/auth/reauth), answered as the headers to send that one request with; the session keeps its own token.
 */
export async function stepUp(password) {
  const token = await api("/api/auth/reauth", { method: "POST", body: { password } });
  return { Authorization: "Bearer " + token.accessToken };
}

export function newKey() { return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`; }
