// How many of the signed-in person's notifications are unread: one reactive count for the header's bell, refreshed by
// the bell (every 30 s and on every page change) and set by the notifications page whenever it reads the list.
import { reactive } from "vue";
import { api, session } from "./api.js";

export const unread = reactive({ count: 0 });

export async function refreshUnread() {
  if (!session.token) { unread.count = 0; return; }
  try { unread.count = (await api("/api/notifications/unread-count")).unread; }
  catch { /* a missed poll is not worth a message: the next one tries again */ }
}

export function setUnread(count) { unread.count = count; }
