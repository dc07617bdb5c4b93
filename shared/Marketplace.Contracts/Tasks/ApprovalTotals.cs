namespace Marketplace.Contracts.Tasks;

/// <summary>Tasks' answer to <see cref="GetApprovalTotals"/>.</summary>
public record ApprovalTotals(DateTimeOffset Watermark, IReadOnlyList<OrderApprovalTotal> Orders, IReadOnlyList<ApprovedAssignmentRef> Details);
