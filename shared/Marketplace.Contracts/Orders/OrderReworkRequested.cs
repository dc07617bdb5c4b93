namespace Marketplace.Contracts.Orders;

/// <summary>
/// The acceptance sample failed: the items found wrong go back for one more answer each. Settlement moves their price
/// (Amount) from the enterprise's wallet into the order's escrow, or says why it cannot. A contracted order's rework is
/// its vendor's, at the vendor's cost: Amount is 0 (nothing to fund) and VendorOrgId and ContractId (added later; null
/// for a crowd order and in older messages) name the vendor that must put the items back to work.
/// </summary>
public record OrderReworkRequested(Guid OrderId, Guid EnterpriseOrgId, int Round, int Items, decimal Amount, string Currency, DateTimeOffset OccurredAt,
    Guid? VendorOrgId = null, Guid? ContractId = null);
