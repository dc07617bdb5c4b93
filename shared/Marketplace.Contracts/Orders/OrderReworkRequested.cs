namespace Marketplace.Contracts.Orders;

/// <summary>
/// The acceptance sample failed: the items found wrong go back for one more answer each. Settlement moves their price
/// (Amount) from the enterprise's wallet into the order's escrow, or says why it cannot.
/// </summary>
public record OrderReworkRequested(Guid OrderId, Guid EnterpriseOrgId, int Round, int Items, decimal Amount, string Currency, DateTimeOffset OccurredAt);
