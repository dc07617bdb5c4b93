// Which role in an organisation may do what: the portal's copy of the one policy (docs/decisions.md, "Organisations with
// members"; OrgPolicy in ServiceDefaults). A member is not offered a button its role may not use; the server refuses
// anyway (403 org_role.<permission>), and the refusal's words (problemCodes.js) explain what is offered instead.
import { session } from "./api.js";
import { codeText } from "./problemCodes.js";

export const ORG_ROLES = ["owner", "reviewer", "finance"];

const POLICY = {
  moveMoney: ["owner", "finance"],
  review: ["owner", "reviewer"],
  commit: ["owner", "finance"],
  manageMembers: ["owner"],
};
const CODE = { moveMoney: "org_role.move_money", review: "org_role.review", commit: "org_role.commit", manageMembers: "org_role.manage_members" };

/** The signed-in person's role in the organisation it acts for (owner when the token names none). */
export function orgRole() { return session.user?.orgRole || "owner"; }

/** Whether the signed-in member may (the same answer the server gives). */
export function may(permission) { return POLICY[permission].includes(orgRole()); }

/** Why not, in the user's language: what the server's refusal would say. */
export function whyNot(permission) {
  return codeText(CODE[permission], { orgRole: orgRole(), requiredOrgRoles: POLICY[permission] });
}
