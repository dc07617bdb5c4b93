namespace Marketplace.Contracts.Orders;

/// <summary>
/// Someone was shown the content of an order's sampled items on its acceptance page (orders serves that page). Tasks
/// keeps the audit trail of content views, so it records one view per item, at OccurredAt. ViewerRole is the viewer's
/// role (enterprise, operator).
/// </summary>
public record AcceptanceSampleViewed(Guid OrderId, IReadOnlyList<string> ItemIds, Guid ViewerId, Guid ViewerOrgId, string ViewerRole,
    DateTimeOffset OccurredAt);
