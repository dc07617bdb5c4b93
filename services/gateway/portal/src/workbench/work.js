// Claimed assignments and the orders they belong to, kept for this tab so a reload resumes without refetching; and
// the answer being written, kept on the device (localStorage) until it is sent, so a reload or a lapsed lease never
// loses it.
import { api } from "../api.js";

const store = {
  get(key) { try { return JSON.parse(sessionStorage.getItem(key)) || {}; } catch { return {}; } },
  set(key, value) { sessionStorage.setItem(key, JSON.stringify(value)); },
};

export function remember(assignments) {
  const held = store.get("mp.held");
  for (const a of assignments) held[a.assignmentId] = a;
  store.set("mp.held", held);
}
export function held(id) { return store.get("mp.held")[id]; }
export function forget(id) { const h = store.get("mp.held"); delete h[id]; store.set("mp.held", h); }

export async function workList() {
  const work = await api("/api/portal/work");
  const orders = store.get("mp.orders");
  for (const o of work) orders[o.id] = o;
  store.set("mp.orders", orders);
  return work;
}
/**
 * Work packages of vendors: their teams' (source "team": the worker's teams only) or published to the crowd ("crowd"),
 * kept like crowd orders under the package id, so the workbench claims the next item of the same package and shows the
 * order's title and instructions, which tasks keeps with the package.
 */
export async function teamWorkList(page = 1, pageSize = 20, source = "team") {
  const result = await api(`/api/tasks/team/${source === "crowd" ? "crowd-work" : "work"}?page=${page}&pageSize=${pageSize}`);
  const orders = store.get("mp.orders");
  for (const w of result.items) orders[w.orderId] = { id: w.orderId, team: true, title: w.title, instructions: w.instructions, taskType: w.taskType, workerReward: w.reward, currency: w.currency, suiteSize: 1 };
  store.set("mp.orders", orders);
  return result;
}
export function knownOrders() { return store.get("mp.orders"); }
export async function orderInfo(orderId) {
  const known = store.get("mp.orders")[orderId];
  if (known) return known;
  return (await workList()).find(o => o.id === orderId) || null;
}

/** Claims work of one order (a suite when the order sets one); answers the assignments, or [] when none is left. */
export async function claim(order) {
  const suite = order.suiteSize > 1;
  const got = await api(`/api/tasks/assignments/${suite ? "claim-suite" : "claim"}?orderId=${order.id}`, { method: "POST" });
  if (!got) return [];
  // The claim carries the template too (a team package's only source of it); the order's, when known, is the same.
  const list = (suite ? got.assignments : [got]).map(a => ({ ...a, multiLabel: order.multiLabel ?? a.multiLabel, criteria: order.criteria ?? a.criteria }));
  remember(list);
  return list;
}

const DRAFT = id => `mp.draft.${id}`;
export const drafts = {
  load(id) { try { return JSON.parse(localStorage.getItem(DRAFT(id)))?.answer ?? null; } catch { return null; } },
  save(id, answer) {
    try {
      if (answer === null || answer === undefined) localStorage.removeItem(DRAFT(id));
      else localStorage.setItem(DRAFT(id), JSON.stringify({ answer, savedAt: new Date().toISOString() }));
    } catch { /* storage full or private mode: the answer stays on the page only */ }
  },
  drop(id) { try { localStorage.removeItem(DRAFT(id)); } catch { /* ignore */ } },
};
