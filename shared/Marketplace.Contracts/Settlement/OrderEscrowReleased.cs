namespace Marketplace.Contracts.Settlement;

/// <summary>An accepted order's unspent escrow went back to the enterprise's wallet (Amount may be zero); the order can close.</summary>
public record OrderEscrowReleased(Guid OrderId, Guid EnterpriseOrgId, decimal Amount, string Currency, DateTimeOffset OccurredAt);
