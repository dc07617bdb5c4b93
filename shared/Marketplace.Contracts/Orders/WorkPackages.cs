namespace Marketplace.Contracts.Orders;

/// <summary>
/// Event (orders): a vendor holding a contract (or a sub-contract) handed Items of the order to another certified vendor
/// for Price (total, exact, in Currency). FromVendorOrgId pays ToVendorOrgId out of its own income from the order when
/// the order is accepted; settlement keeps it to split the contract's money between the tiers. Once per SubcontractId.
/// </summary>
public record SubcontractAgreed(Guid SubcontractId, Guid OrderId, Guid ContractId, Guid FromVendorOrgId, Guid ToVendorOrgId,
    int Items, decimal Price, string Currency, DateTimeOffset OccurredAt);

/// <summary>
/// Event (orders): a vendor (FromVendorOrgId) offered Items of a contracted order to another certified vendor
/// (ToVendorOrgId) for Price; the addressee accepts (SubcontractAgreed) or declines (SubcontractDeclined). TaskType,
/// DataGrade and Deadline are the order's, so the addressee can judge the offer from the news alone.
/// </summary>
public record SubcontractOffered(Guid SubcontractId, Guid OrderId, Guid FromVendorOrgId, Guid ToVendorOrgId, int Items, decimal Price,
    string Currency, string TaskType, string DataGrade, DateTimeOffset Deadline, DateTimeOffset OccurredAt);

/// <summary>Event (orders): the addressee declined a sub-contract (Reason as it typed it, may be null); its items are free again in the offering vendor's tier.</summary>
public record SubcontractDeclined(Guid SubcontractId, Guid OrderId, Guid FromVendorOrgId, Guid ToVendorOrgId, int Items, string? Reason,
    DateTimeOffset OccurredAt);
