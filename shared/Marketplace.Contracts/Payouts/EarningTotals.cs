namespace Marketplace.Contracts.Payouts;

/// <summary>Payouts' answer to <see cref="GetEarningTotals"/>.</summary>
public record EarningTotals(DateTimeOffset Watermark, IReadOnlyList<OrderEarningTotal> Orders, IReadOnlyList<WorkerEarningTotal> Workers,
    IReadOnlyList<EarningRef> Details);
