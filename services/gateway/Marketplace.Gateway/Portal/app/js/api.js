// The fetch wrapper: adds the bearer token kept in sessionStorage, reads ProblemDetails, and shows them next to
// the fields they name.

const TOKEN = "mp.token";
const USER = "mp.user";

export const session = {
  get token() { return sessionStorage.getItem(TOKEN); },
  get user() { try { return JSON.parse(sessionStorage.getItem(USER)); } catch { return null; } },
  save(token, user) { sessionStorage.setItem(TOKEN, token); sessionStorage.setItem(USER, JSON.stringify(user)); },
  clear() { sessionStorage.removeItem(TOKEN); sessionStorage.removeItem(USER); },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }
  get fieldErrors() { return this.problem.errors || {}; }
}

/** Calls /api/... and answers the parsed JSON (null for 204). Throws ApiError for a 4xx/5xx. */
export async function api(path, { method = "GET", body, idempotencyKey, headers = {}, rawBody } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (session.token) h.Authorization = "Bearer " + session.token;
  if (idempotencyKey) h["Idempotency-Key"] = idempotencyKey;
  let payload = rawBody;
  if (body !== undefined) { h["Content-Type"] = "application/json; charset=utf-8"; payload = JSON.stringify(body); }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload });
  } catch {
    throw new ApiError(0, { title: "Network error", detail: "The server could not be reached. Check your connection and try again." });
  }
  if (response.status === 401 && session.token) {
    session.clear();
    location.hash = "#/signin?expired=1";
    throw new ApiError(401, { detail: "Your session has ended; sign in again." });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = { detail: text }; } }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Uploads raw bytes with progress (fetch has no upload progress; XMLHttpRequest does). */
export function upload(path, file, onProgress, headers = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", path);
    if (session.token) xhr.setRequestHeader("Authorization", "Bearer " + session.token);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* empty */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data); else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "The upload was interrupted." }));
    xhr.send(file);
  });
}

function normal(name) { return String(name).toLowerCase().replace(/\[(\d+)\]/g, ".$1"); }

/** Clears what showProblem put into the form. */
export function clearProblem(form) {
  form.querySelectorAll(".field-error").forEach(e => e.remove());
  form.querySelectorAll("[aria-invalid]").forEach(e => { e.removeAttribute("aria-invalid"); e.removeAttribute("aria-describedby"); });
  const summary = form.querySelector(".form-error");
  if (summary) { summary.textContent = ""; summary.hidden = true; }
}

/**
 * Shows an error inside a form: each entry of ProblemDetails.errors next to the control whose name (or data-field)
 * matches the field it names (case-insensitive; items[0].content matches items.0.content); what matches no control,
 * and the detail, go to the form's .form-error box.
 */
export function showProblem(form, error) {
  clearProblem(form);
  const controls = [...form.querySelectorAll("[name], [data-field]")];
  const leftover = [];
  let first = null;
  for (const [field, messages] of Object.entries(error.fieldErrors || {})) {
    const wanted = normal(field);
    const control = controls.find(c => normal(c.dataset.field || c.name) === wanted)
      || controls.find(c => wanted.startsWith(normal(c.dataset.field || c.name) + "."));
    const text = [].concat(messages).join(" ");
    if (!control) { leftover.push(`${field}: ${text}`); continue; }
    const id = `err-${Math.random().toString(36).slice(2)}`;
    const note = document.createElement("p");
    note.className = "field-error";
    note.id = id;
    note.dataset.for = field;
    note.textContent = text;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", id);
    (control.closest(".field") || control).insertAdjacentElement("beforeend", note);
    first ??= control;
  }
  const summary = form.querySelector(".form-error");
  const hasFields = Object.keys(error.fieldErrors || {}).length > 0;
  const message = [hasFields && leftover.length === 0 ? "" : error.message, ...leftover].filter(Boolean).join("\n");
  if (summary && message) { summary.textContent = message; summary.hidden = false; }
  else if (!summary && message) toast(message, true);
  (first || summary)?.focus?.();
}

export function toast(text, isError = false) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.className = isError ? "show error" : "show";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.className = ""; }, 5000);
}
