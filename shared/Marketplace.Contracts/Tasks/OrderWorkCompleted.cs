namespace Marketplace.Contracts.Tasks;

/// <summary>Every assignment of the order has been approved; the work is ready for delivery.</summary>
public record OrderWorkCompleted(Guid OrderId, int ApprovedAssignments, DateTimeOffset OccurredAt);
