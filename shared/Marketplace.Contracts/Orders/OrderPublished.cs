namespace Marketplace.Contracts.Orders;

/// <summary>
/// An enterprise published an order; its budget must now move from the wallet into escrow. FeePercent and MinimumFee are
/// the commission terms the order snapshotted at creation (the minimum is per order). ItemCount and DataBytes (the
/// order's data: its manifest or inline items plus its media files) feed settlement's marketplace figures.
/// </summary>
public record OrderPublished(
    Guid OrderId,
    Guid EnterpriseOrgId,
    string Title,
    string Mode,
    string TaskType,
    decimal Budget,
    string Currency,
    DateTimeOffset Deadline,
    DateTimeOffset OccurredAt,
    string DataGrade = "general",
    string Industry = "other",
    decimal FeePercent = 10m,
    decimal MinimumFee = 0m,
    int ItemCount = 0,
    long DataBytes = 0);
