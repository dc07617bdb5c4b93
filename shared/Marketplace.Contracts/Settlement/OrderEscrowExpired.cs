namespace Marketplace.Contracts.Settlement;

/// <summary>
/// The order's reserved budget was let go because work did not start before the reservation's timeout: the money is
/// available in the wallet again and the order is no longer funded (the enterprise may publish it again).
/// </summary>
public record OrderEscrowExpired(Guid OrderId, Guid EnterpriseOrgId, decimal Amount, string Currency, DateTimeOffset ExpiredAt, DateTimeOffset OccurredAt);
