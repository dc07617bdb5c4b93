namespace Marketplace.Contracts.Orders;

/// <summary>An enterprise published an order; its budget must now move from the wallet into escrow.</summary>
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
    string Industry = "other");
