namespace Marketplace.Contracts.Settlement;

/// <summary>What was left in the order's escrow went back to the enterprise's wallet.</summary>
public record OrderRefunded(Guid OrderId, Guid EnterpriseOrgId, decimal Amount, string Currency, DateTimeOffset OccurredAt);
