namespace Marketplace.Contracts.Bidding;

/// <summary>
/// Event (bidding): a call for bids opened. VendorOrgIds is its audience at that moment (CallAudience: the vendors whose
/// certifications and listings cover it, and the invited ones), so whoever tells the vendors needs no copy of bidding's
/// rules. Bidding knows the audience; the gateway tells the vendors' members who may bid.
/// </summary>
public record CallForBidsOpened(Guid OrderId, Guid CallId, int Round, Guid EnterpriseOrgId, string Title, string TaskType,
    string Industry, string DataGrade, int ItemCount, decimal Budget, string Currency, DateTimeOffset BidDeadline,
    IReadOnlyList<Guid> VendorOrgIds, DateTimeOffset OccurredAt);

/// <summary>Event (bidding): a call was awarded to another vendor's bid; this vendor's bid lost.</summary>
public record BidLost(Guid OrderId, Guid CallId, Guid BidId, Guid VendorOrgId, DateTimeOffset OccurredAt);
