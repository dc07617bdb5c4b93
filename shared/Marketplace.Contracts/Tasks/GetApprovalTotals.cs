namespace Marketplace.Contracts.Tasks;

/// <summary>
/// Settlement's reconciliation asks tasks (request/response) for its approved assignments older than the watermark, per
/// order, and the assignment ids of the orders named in DetailOrderIds (those whose counts disagreed).
/// </summary>
public record GetApprovalTotals(DateTimeOffset Watermark, IReadOnlyList<Guid> DetailOrderIds);
