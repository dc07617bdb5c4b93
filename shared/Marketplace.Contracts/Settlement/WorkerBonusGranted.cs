namespace Marketplace.Contracts.Settlement;

/// <summary>
/// An enterprise gave a worker a bonus on one of its orders: the money moved from its wallet to the worker's payable
/// (ledger transaction BonusId). Payouts turns it into an earning of kind bonus, held like any other.
/// </summary>
public record WorkerBonusGranted(Guid BonusId, Guid WorkerId, Guid OrderId, Guid EnterpriseOrgId, decimal Amount, string Currency,
    string Reason, DateTimeOffset OccurredAt);
