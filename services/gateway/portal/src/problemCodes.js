// The API's stable problem codes (docs/api.md "Problem codes") in the user's language. Each code is [中文, English];
// {name} takes the problem's errorParams (maxLength, from, to…) or a translated thing/state. A code not listed here, and
// a generic code when the portal is in English, shows the server's own text: it is English and names the particulars.
import { i18n, term } from "./i18n.js";
import { backendFailureText } from "./backendFailures.js";

const CODES = {
  "validation.required": ["必填。", "Required."],
  "validation.too_long": ["过长：最多 {maxLength} 个字符。", "Too long: at most {maxLength} characters."],
  "validation.too_short": ["过短：至少 {minLength} 个字符。", "Too short: at least {minLength} characters."],
  "validation.length": ["长度应为 {minLength}–{maxLength} 个字符。", "Must be {minLength}–{maxLength} characters long."],
  "validation.out_of_range": ["超出允许范围。", "Out of the allowed range."],
  "validation.email": ["请输入有效的电子邮箱。", "Enter a valid e-mail address."],
  "validation.format": ["格式不正确。", "The format is not right."],
  "validation.not_allowed": ["不是允许的取值。", "Not one of the allowed values."],
  "validation.precision": ["小数位过多（最多 4 位）。", "Too many decimal places (at most 4)."],
  "validation.must_be_empty": ["此项应留空。", "Must be left empty."],
  "validation.invalid": ["输入有误，请检查。", "This value is not valid."],
  "validation.type": ["类型不正确。", "Wrong type."],
  "request.malformed": ["请求格式有误。", "The request could not be read."],
  "request.body_required": ["请求缺少内容。", "The request has no content."],
  "request.invalid": ["请求无效。", "The request is not valid."],
  "request.too_large": ["文件或请求过大。", "The file or request is too large."],
  "request.unsupported_media_type": ["不支持此文件类型。", "This file type is not accepted."],
  "request.unprocessable": ["无法处理此请求。", "The request cannot be processed."],
  "auth.unauthenticated": ["请先登录。", "Sign in first."],
  "auth.sign_in_failed": ["电子邮箱或密码不正确。", "Wrong e-mail or password."],
  "request.rate_limited": ["操作过于频繁，请 {retryAfterSeconds} 秒后再试。", "Too many requests of this kind: try again in {retryAfterSeconds} seconds."],
  "validation.invisible_character": ["含有不可见或改变文字方向的字符，请直接输入。", "Holds an invisible or direction-changing character: type it plainly."],
  "dataset.too_large": ["数据集超出单次上传上限（{maxBytes} 字节）。", "The dataset is larger than one upload may be ({maxBytes} bytes)."],
  "dataset.storage_full": ["贵组织的存储空间已满（上限 {maxBytes} 字节）：请先删除不再需要的文件。", "Your organisation's storage is full (at most {maxBytes} bytes): remove files you no longer need first."],
  "auth.locked": ["此邮箱登录失败次数过多，请 {retryAfterSeconds} 秒后再试。", "Too many failed sign-ins for this e-mail: try again in {retryAfterSeconds} seconds."],
  "auth.token_revoked": ["此次登录已结束（已退出或密码已更改），请重新登录。", "This sign-in has ended (signed out or the password changed): sign in again."],
  "auth.wrong_password": ["当前密码不正确。", "The current password is wrong."],
  "auth.reauth_required": ["请再次输入登录密码后重试。", "Enter your password again, then retry."],
  "auth.forbidden": ["您的账户无权执行此操作。", "Your account may not do this."],
  "claims.not_eligible": ["您尚不具备领取此订单的资格（认证级别或资格）。", "You lack the clearance or qualifications this order needs."],
  "claims.core_data": ["核心数据从不众包。", "Core data is never crowdsourced."],
  "claims.suspended": ["您因金标准准确率不足被暂停领取此订单。", "You are suspended from this order for accuracy on gold items."],
  "claims.limit_reached": ["您手上的任务已达上限：请先提交或放弃。", "You hold as many leases as allowed: submit or give some back first."],
  "claims.item_limit_reached": ["您在此订单中标注的条目已达上限。", "You have labeled as many items of this order as it allows one worker."],
  // contracted work: packages, sub-contracts, teams
  "work.core_data_not_for_crowd": ["核心数据从不众包：请交给自己的团队或有资质的分包商。", "Core data never goes to the crowd: give it to your team or a certified sub-vendor."],
  "work.vendor_not_certified": ["该服务商没有覆盖此数据分级的有效资质。", "That vendor holds no valid certification covering this data grade."],
  "work.unknown_vendor": ["该服务商不在服务超市中。", "That vendor is not a vendor of the supermarket."],
  "work.vendor_in_chain": ["该服务商已在此订单的分包链中（包括您自己）：请选择其他服务商。", "That vendor already works on this order (you included): choose another."],
  "work.not_enough_items": ["未分配的条目不够。", "Not that many of your items are unallocated."],
  "work.over_income": ["超出收入：此工作包的最高成本加上已承诺的金额，超过了您从此订单获得的收入。", "Over your income: this package's most cost plus what is already committed is more than you earn from the order."],
  "work.not_open": ["此订单的工作已不能再拆分。", "This order's work can no longer be split."],
  "team.worker_not_found": ["人才库中没有此标注员。", "No such worker in the talent pool."],
  "team.already_member": ["此标注员已在您的团队中。", "This worker is already on your team."],
  "team.invitation_pending": ["此标注员尚未答复您上一次的邀请。", "This worker has not answered your last invitation yet."],
  "claims.team_only": ["这是服务商的团队任务，仅其团队成员可以领取。", "This is a vendor's team work: only its team members may claim it."],
  "account.email_taken": ["此电子邮箱已注册。", "This e-mail address already has an account."],
  "idempotency.key_reused": ["重复的请求内容不一致，未执行。", "The request was repeated with different content; nothing was done."],
  "server.busy": ["服务器繁忙，请稍后重试。", "The server is busy; try again in a moment."],
  "server.error": ["服务器出错，请稍后重试。", "Something went wrong on our side; try again later."],
  "server.unavailable": ["服务暂不可用，请稍后重试。", "A service is unavailable; try again later."],
  "not_found": ["未找到。", "Not found."],
  "conflict": ["当前状态不允许此操作。", "This cannot be done in the current state."],
  // bidding and tenders
  "bid.over_budget": ["报价总额超出预算。", "The bid's total is over the budget."],
  "bid.deliver_by_past": ["交付日期必须晚于现在。", "The delivery date must be in the future."],
  "bid.deliver_by_after_deadline": ["交付日期不能晚于订单截止时间。", "The delivery date must be at or before the order's deadline."],
  "bid.live_exists": ["您已对此招标投标：请修改或撤回现有投标。", "You already have a bid on this call: revise or withdraw it."],
  "bid.frozen": ["投标截止时间已过：投标已冻结。", "The bid deadline has passed: bids are frozen."],
  "bid.sealed": ["投标截止前标书保密，截止后可查看。", "Bids are sealed until the bid deadline."],
  "bid.certification_required": ["投标{grade}需要有效的资质认证。", "Bidding on {grade} needs a valid certification covering it."],
  "award.reason_required": ["未选择排名第一的投标时，请填写理由。", "Say why the top-ranked bid is passed over."],
  "order.core_data_never_crowd": ["核心数据从不众包：不能转为众包。", "Core data is never crowdsourced: the order cannot switch to the crowd."],
  // model assistance
  "model.unsupported_task_type": ["内置模型只支持单标签的文本分类和图像分类。", "The built-in model learns single-label text and image classification only."],
  // organisations, vendor money, disputes
  "org_role.move_money": ["您在本组织的角色是{role}，不能动用资金（需要{roles}）。", "Your role in the organisation is {role}: moving money needs {roles}."],
  "org_role.review": ["您在本组织的角色是{role}，不能审核、验收或提起争议（需要{roles}）。", "Your role in the organisation is {role}: reviewing, accepting and disputing need {roles}."],
  "org_role.commit": ["您在本组织的角色是{role}，不能投标或修改服务与资质（需要{roles}）。", "Your role in the organisation is {role}: bids, listings and certifications need {roles}."],
  "org_role.manage_members": ["您在本组织的角色是{role}，不能管理成员（需要{roles}）。", "Your role in the organisation is {role}: managing members needs {roles}."],
  "auth.membership_changed": ["您在组织中的角色已变更：请重新登录或切换组织。", "Your role in the organisation changed: sign in or switch again."],
  "account.no_membership": ["您已不属于任何组织。", "You no longer belong to any organisation."],
  "organisation.last_owner": ["组织至少要有一位负责人：不能降级或移除最后一位负责人。", "An organisation keeps an owner: the last one can be neither demoted nor removed."],
  "invitation.pending": ["已向此邮箱发出邀请，尚待处理。", "This address already has a pending invitation."],
  "invitation.already_member": ["此邮箱的用户已是本组织成员。", "This address belongs to a member already."],
  "invitation.rate_limited": ["本小时发出的邀请已达上限（{perHour} 份），请稍后再试。", "This hour's invitations are used up ({perHour}); try again later."],
  "conflict.no_payout_account": ["请先设置对公收款账户。", "Set the company bank account first."],
  "withdrawal.insufficient_funds": ["提现金额超出可提现余额。", "The amount is more than is available to withdraw."],
  "conflict.no_contract": ["只有招标合同订单可以提起争议。", "Only a contracted order can be disputed."],
  // external model backends
  "model_backend.url": ["地址须为 https 且不含用户名、查询参数，不能指向本机、内网或链路本地地址。", "The address must be https, without user name or query, and not a local, private or link-local address."],
  "model_backend.check_failed": ["模型服务未通过检查（/health、/setup）：{detail}", "The model backend did not pass its checks (/health, /setup): {detail}"],
  "model_backend.data_grade": ["核心数据和含个人信息的数据不能发给外部模型。", "Core data and personal information are never sent to an external model."],
  "model_backend.task_type_unsupported": ["外部模型暂不支持此任务类型。", "External models do not support this task type yet."],
  "model_backend.not_configured": ["平台尚未配置外部模型服务。", "This platform has no model backends configured."],
  "model_backend.signature": ["签名无效或已过期。", "The signature is wrong or stale."],
  "dispute.amount_out_of_range": ["部分支付给服务商的金额须大于 0 且小于合同价（否则请选择全额支付或退款）。", "A partial release gives the vendor more than 0 and less than the contract price (else release or refund)."],
};

/** Codes that say only the kind of trouble: in English the server's sentence says more, so it is shown instead. */
const GENERIC = new Set(["model_backend.url", "model_backend.check_failed", "validation.invalid", "request.invalid", "request.unprocessable", "conflict", "not_found", "validation.out_of_range"]);

const THINGS = {
  team_member: ["团队成员", "team member"],
  order: ["订单", "order"], call: ["招标", "call for bids"], bid: ["投标", "bid"], contract: ["合同", "contract"], assignment: ["任务", "assignment"],
  notification: ["通知", "notification"], listing: ["服务", "listing"], certification: ["资质", "certification"], exam_attempt: ["考试记录", "exam attempt"],
  earning: ["收益", "earning"], export: ["导出", "export"], upload: ["上传", "upload"], payout_method: ["收款方式", "payout method"], account: ["账户", "account"],
  vendor: ["服务商", "vendor"], exam: ["考试", "exam"],
  invitation: ["邀请", "invitation"], member: ["成员", "member"], membership: ["组织成员身份", "membership"], organisation: ["组织", "organisation"],
  dispute: ["争议", "dispute"], model_backend: ["模型服务", "model backend"], withdrawal: ["提现", "withdrawal"], payout_account: ["收款账户", "payout account"],
};
const RANGE = ["应在 {from} 到 {to} 之间。", "Must be between {from} and {to}."];
const NOT_FOUND = ["未找到此{thing}，或您无权查看。", "This {thing} was not found, or is not yours to see."];
const CONFLICT = ["当前状态（{state}）不允许此操作。", "This cannot be done while it is {state}."];

const zh = () => i18n.global.locale.value !== "en";
const pick = pair => pair[zh() ? 0 : 1];
function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (params && params[k] !== undefined && params[k] !== null ? String(params[k]) : m));
}
/** A state as the portal names it (orders', calls', bids' statuses), else as sent. */
function stateName(state) {
  for (const group of ["orderStatus", "callStatus", "bidStatus", "contractStatus", "assignment", "appeal", "packageStatus", "invitationStatus", "disputeStatus"]) {
    const text = term(group, state);
    if (text !== state) return text;
  }
  return state;
}

/** A refusal for the member's role: its role and the roles that may, by name ("负责人或财务"). */
function orgRoleParams(params) {
  const roles = [].concat(params.requiredOrgRoles || []).map(r => term("orgRole", r));
  return { role: term("orgRole", params.orgRole), roles: roles.join(zh() ? "或" : " or ") };
}

/** A backend that failed its checks: the failed call worded from its code, else the server's whole sentence. */
function checkFailedParams(params) {
  const failure = backendFailureText(params.failure);
  return failure ? { detail: failure.detail ? `${failure.text} ${failure.detail}` : failure.text } : {};
}

/** The text for a code, or null when the portal has none (or, in English, only a generic one). */
export function codeText(code, params = {}, { english = !zh() } = {}) {
  if (!code) return null;
  if (CODES[code]) {
    if (english && GENERIC.has(code)) return null;
    if (code === "validation.out_of_range" && params.from !== undefined && params.to !== undefined) return fill(pick(RANGE), params);
    const extra = code === "bid.certification_required" && params.dataGrade ? { grade: term("grade", params.dataGrade) }
      : code.startsWith("org_role.") ? orgRoleParams(params)
      : code === "model_backend.check_failed" ? checkFailedParams(params) : {};
    return fill(pick(CODES[code]), { ...params, ...extra });
  }
  if (english) return null;
  const notFound = code.match(/^([a-z_]+)\.not_found$/);
  if (notFound) return fill(pick(NOT_FOUND), { thing: THINGS[notFound[1]] ? pick(THINGS[notFound[1]]) : pick(["内容", "item"]) });
  const conflict = code.match(/^conflict\.([a-z0-9_]+)$/);
  if (conflict) return fill(pick(CONFLICT), { state: stateName(conflict[1]) });
  return null;
}

/** A ProblemDetails' message in the user's language: by its code, else its detail or title. */
export function problemMessage(problem) {
  if (!problem) return null;
  return codeText(problem.code, problem) || problem.detail || problem.title || null;
}

/** Each field's errors in the user's language: by errorCodes (with errorParams), else the server's messages. */
export function fieldMessages(problem) {
  const errors = problem?.errors || {};
  const codes = problem?.errorCodes || {};
  const params = problem?.errorParams || {};
  const out = {};
  for (const [field, messages] of Object.entries(errors)) {
    const list = [].concat(messages);
    const byCode = [].concat(codes[field] || []);
    const translated = byCode.map(c => codeText(c, params[field] || {})).filter(Boolean);
    out[field] = translated.length && translated.length === byCode.length ? [...new Set(translated)] : list;
  }
  return out;
}
