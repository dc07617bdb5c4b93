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

/// <summary>
/// Event (orders): items a sub-vendor delivered through its sub-contract (at any tier: a sub-sub-vendor's items count for
/// it and for the sub-vendor above it) failed the enterprise's acceptance sample of round Round, so the contract holder
/// must rework them. FailedItems counts that sub-contract's items found wrong (an item already redone by a rework package
/// is the contract holder's, not the sub-vendor's). Title is the order's.
/// </summary>
public record SubcontractReworkRequested(Guid SubcontractId, Guid OrderId, Guid FromVendorOrgId, Guid ToVendorOrgId, int Round, int FailedItems,
    string Title, DateTimeOffset OccurredAt);
