namespace Marketplace.Contracts.Payouts;

/// <summary>
/// An operator reversed a worker's earning while it was held (e.g. a rejection upheld after appeal). Kind is
/// "assignment" (AssignmentId set: settlement reverses the approval, reward and fee) or "bonus" (BonusId set: the bonus
/// goes back to the enterprise's wallet).
/// </summary>
public record EarningReversed(Guid EarningId, string Kind, Guid? AssignmentId, Guid? BonusId, Guid WorkerId, Guid OrderId,
    decimal Amount, string Currency, string Reason, DateTimeOffset OccurredAt);
