namespace Marketplace.Contracts.Payouts;

/// <summary>
/// Settlement's reconciliation asks payouts (request/response) for its earnings older than the watermark per order and
/// per worker, what it paid out before the watermark, and the earnings of the orders named in DetailOrderIds. A worker
/// with a payout completed within Margin of the watermark is flagged: the ledger dates that payout by the message, a
/// moment later, so that worker is compared on a later run.
/// </summary>
public record GetEarningTotals(DateTimeOffset Watermark, TimeSpan Margin, IReadOnlyList<Guid> DetailOrderIds);
