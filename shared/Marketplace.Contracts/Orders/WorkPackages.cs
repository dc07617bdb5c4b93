namespace Marketplace.Contracts.Orders;

/// <summary>
/// Event (orders): a vendor holding a contract (or a sub-contract) handed Items of the order to another certified vendor
/// for Price (total, exact, in Currency). FromVendorOrgId pays ToVendorOrgId out of its own income from the order when
/// the order is accepted; settlement keeps it to split the contract's money between the tiers. Once per SubcontractId.
/// </summary>
public record SubcontractAgreed(Guid SubcontractId, Guid OrderId, Guid ContractId, Guid FromVendorOrgId, Guid ToVendorOrgId,
    int Items, decimal Price, string Currency, DateTimeOffset OccurredAt);
