namespace Marketplace.Contracts.Settlement;

public record OrderReworkFunded(Guid OrderId, int Round, decimal Amount, string Currency, DateTimeOffset OccurredAt);

public record OrderReworkFundingFailed(Guid OrderId, int Round, string Reason, decimal Required, decimal Available, string Currency, DateTimeOffset OccurredAt);
