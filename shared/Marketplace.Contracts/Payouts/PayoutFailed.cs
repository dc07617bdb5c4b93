namespace Marketplace.Contracts.Payouts;

/// <summary>The payment rail declined a payout to a worker; the money is back in the worker's available balance.</summary>
public record PayoutFailed(Guid PayoutId, Guid BatchId, Guid WorkerId, decimal Amount, string Currency, string Reason, DateTimeOffset OccurredAt);
