namespace Marketplace.Contracts.Settlement;

/// <summary>The wallet could not cover the order's budget; nothing was moved.</summary>
public record OrderFundingFailed(Guid OrderId, Guid EnterpriseOrgId, string Reason, decimal Required, decimal Available, string Currency, DateTimeOffset OccurredAt);
