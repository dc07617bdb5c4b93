// The portal's pages by hash path (#/work, #/orders/{id}…), as before the move to Vue: old links keep working. Each
// role's pages are their own chunk, loaded when first opened.
import { createRouter, createWebHashHistory } from "vue-router";
import { session, whenSessionExpires } from "./api.js";

export const HOME = { worker: "/work", enterprise: "/orders", operator: "/ops/report", vendor: "/vendor" };

const worker = ["worker"], enterprise = ["enterprise"], operator = ["operator"], vendor = ["vendor"];
const routes = [
  { path: "/", redirect: () => (session.user ? HOME[session.user.role] || "/signin" : "/signin") },
  { path: "/signin", component: () => import("./pages/SignIn.vue") },
  { path: "/register", component: () => import("./pages/Register.vue") },
  { path: "/work", component: () => import("./pages/worker/AvailableWork.vue"), meta: { roles: worker } },
  { path: "/label", component: () => import("./pages/worker/Labeling.vue"), meta: { roles: worker } },
  { path: "/history", component: () => import("./pages/worker/History.vue"), meta: { roles: worker } },
  { path: "/profile", component: () => import("./pages/worker/Profile.vue"), meta: { roles: worker } },
  { path: "/earnings", component: () => import("./pages/worker/Earnings.vue"), meta: { roles: worker } },
  { path: "/exam/:attemptId([0-9a-fA-F-]{36})", component: () => import("./pages/worker/Exam.vue"), meta: { roles: worker } },
  { path: "/orders", component: () => import("./pages/enterprise/Orders.vue"), meta: { roles: enterprise } },
  { path: "/orders/new", component: () => import("./pages/enterprise/NewOrder.vue"), meta: { roles: enterprise } },
  { path: "/orders/:id([0-9a-fA-F-]{36})", component: () => import("./pages/enterprise/OrderPage.vue"), meta: { roles: ["enterprise", "operator"] } },
  { path: "/wallet", component: () => import("./pages/enterprise/Wallet.vue"), meta: { roles: enterprise } },
  { path: "/statements", component: () => import("./pages/Statements.vue"), meta: { roles: ["enterprise", "worker", "vendor"] } },
  { path: "/market", component: () => import("./pages/enterprise/Supermarket.vue"), meta: { roles: ["enterprise", "vendor", "operator"] } },
  { path: "/ops/report", component: () => import("./pages/operator/Report.vue"), meta: { roles: operator } },
  { path: "/ops/dashboard", component: () => import("./pages/operator/Dashboard.vue"), meta: { roles: operator } },
  { path: "/ops/workers", component: () => import("./pages/operator/Workers.vue"), meta: { roles: operator } },
  { path: "/ops/certifications", component: () => import("./pages/operator/Certifications.vue"), meta: { roles: operator } },
  { path: "/ops/fees", component: () => import("./pages/operator/Fees.vue"), meta: { roles: operator } },
  { path: "/ops/periods", component: () => import("./pages/operator/Periods.vue"), meta: { roles: operator } },
  { path: "/ops/reconciliation", component: () => import("./pages/operator/Reconciliation.vue"), meta: { roles: operator } },
  { path: "/ops/payouts", component: () => import("./pages/operator/Payouts.vue"), meta: { roles: operator } },
  { path: "/ops/exams", component: () => import("./pages/operator/Exams.vue"), meta: { roles: operator } },
  { path: "/ops/users", component: () => import("./pages/operator/Users.vue"), meta: { roles: operator } },
  { path: "/ops/jobs", component: () => import("./pages/operator/Jobs.vue"), meta: { roles: operator } },
  { path: "/ops/audit", component: () => import("./pages/operator/Audit.vue"), meta: { roles: operator } },
  { path: "/vendor", component: () => import("./pages/vendor/VendorHome.vue"), meta: { roles: vendor } },
  { path: "/vendor/calls", component: () => import("./pages/bidding/Calls.vue"), meta: { roles: vendor } },
  { path: "/vendor/calls/:id([0-9a-fA-F-]{36})", component: () => import("./pages/bidding/Call.vue"), meta: { roles: vendor } },
  { path: "/vendor/bids", component: () => import("./pages/bidding/Bids.vue"), meta: { roles: vendor } },
  { path: "/vendor/subcontracts", component: () => import("./pages/vendor/Subcontracts.vue"), meta: { roles: vendor } },
  { path: "/vendor/team", component: () => import("./pages/vendor/Team.vue"), meta: { roles: vendor } },
  { path: "/vendor/work/:orderId([0-9a-fA-F-]{36})", component: () => import("./pages/vendor/Work.vue"), meta: { roles: vendor } },
  { path: "/vendor/work/:orderId([0-9a-fA-F-]{36})/packages/:packageId([0-9a-fA-F-]{36})", component: () => import("./pages/vendor/Package.vue"), meta: { roles: vendor } },
  { path: "/contracts", component: () => import("./pages/bidding/Contracts.vue"), meta: { roles: ["vendor", "enterprise", "operator"] } },
  { path: "/contracts/:id([0-9a-fA-F-]{36})", component: () => import("./pages/bidding/Contract.vue"), meta: { roles: ["vendor", "enterprise", "operator"] } },
  { path: "/notifications", component: () => import("./pages/Notifications.vue"), meta: { roles: ["worker", "enterprise", "vendor", "operator"] } },
  // Vendor money, organisation members and disputes (issue 13 items 5, 7, 8).
  { path: "/vendor/money", component: () => import("./pages/vendor/VendorMoney.vue"), meta: { roles: vendor } },
  { path: "/organisation", component: () => import("./pages/organisation/Organisation.vue"), meta: { roles: ["enterprise", "vendor", "worker"] } },
  { path: "/ops/disputes", component: () => import("./pages/disputes/Disputes.vue"), meta: { roles: operator } },
  { path: "/ops/disputes/:id([0-9a-fA-F-]{36})", component: () => import("./pages/disputes/DisputeDecision.vue"), meta: { roles: operator } },
  { path: "/:rest(.*)*", component: () => import("./pages/NotFoundPage.vue") },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach(to => {
  if (to.meta.roles && !session.user) return { path: "/signin", query: { next: to.fullPath } };
  return true;
});

whenSessionExpires(() => router.replace({ path: "/signin", query: { expired: "1" } }));
