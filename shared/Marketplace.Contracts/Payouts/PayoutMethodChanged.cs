namespace Marketplace.Contracts.Payouts;

/// <summary>A worker's payout method was set or changed (the account shown masked), so the worker is told in-app.</summary>
public record PayoutMethodChanged(Guid WorkerId, string Method, string MaskedAccount, DateTimeOffset OccurredAt);
