namespace Marketplace.Contracts.Tasks;

/// <summary>
/// No more work will be approved for the order (it was cancelled): open and leased assignments were withdrawn, submitted
/// ones approved. ApprovedAssignments is the final count, so settlement knows when every approval is booked.
/// </summary>
public record OrderWorkClosed(Guid OrderId, int ApprovedAssignments, int WithdrawnAssignments, DateTimeOffset OccurredAt);
