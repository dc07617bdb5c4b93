namespace Marketplace.Contracts.Tasks;

/// <summary>A batch of approvals: high-volume facts travel batched, not one message per assignment.</summary>
public record AssignmentsApproved(Guid BatchId, IReadOnlyList<ApprovedAssignment> Approvals, DateTimeOffset OccurredAt);
