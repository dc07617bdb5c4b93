// The organisations the signed-in person belongs to (GET /api/auth/memberships), shared by the header's switcher and
// the organisation page, and acting for another of them (POST /api/auth/switch: a new token, kept as sign-in keeps one).
import { reactive } from "vue";
import { actFor, api, session, toast } from "./api.js";
import { t } from "./i18n.js";
import { HOME } from "./router.js";

export const memberships = reactive({ items: [], total: 0, userId: null });

/** Reads them again (after signing in, joining or switching); a person in more than 100 organisations sees the first 100. */
export async function loadMemberships() {
  const userId = session.user?.userId;
  if (!userId) { Object.assign(memberships, { items: [], total: 0, userId: null }); return; }
  const page = await api("/api/auth/memberships?pageSize=100");
  if (session.user?.userId !== userId) return; // signed out or in as someone else meanwhile
  Object.assign(memberships, { items: page.items, total: page.total, userId });
}

/**
 * Acts for another of the person's organisations and opens that organisation's start page (shown again when it is the
 * page already: what it shows belongs to the organisation acted for).
 */
export async function actForOrganisation(organisationId, router, reload) {
  actFor(await api("/api/auth/switch", { method: "POST", body: { organisationId } }));
  await loadMemberships();
  toast(t("org.switched", { name: session.user.organisationName }));
  const home = HOME[session.user.role] || "/";
  if (router.currentRoute.value.path === home) reload(); else await router.push(home);
}
