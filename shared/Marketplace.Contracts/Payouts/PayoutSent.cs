namespace Marketplace.Contracts.Payouts;

/// <summary>The payment rail confirmed a payout to a worker; the money has left the platform.</summary>
public record PayoutSent(Guid PayoutId, Guid BatchId, Guid WorkerId, decimal Amount, string Currency, string RailReference, DateTimeOffset OccurredAt);
