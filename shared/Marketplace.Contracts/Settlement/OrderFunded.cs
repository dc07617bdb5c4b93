namespace Marketplace.Contracts.Settlement;

/// <summary>The order's budget moved from the enterprise wallet into the order's escrow.</summary>
public record OrderFunded(Guid OrderId, Guid EnterpriseOrgId, decimal Amount, string Currency, Guid LedgerTransactionId, DateTimeOffset OccurredAt);
