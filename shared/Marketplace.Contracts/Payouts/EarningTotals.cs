namespace Marketplace.Contracts.Payouts;

/// <summary>Payouts' answer to <see cref="GetEarningTotals"/>; VendorWithdrawals: what it sent each vendor before the watermark.</summary>
public record EarningTotals(DateTimeOffset Watermark, IReadOnlyList<OrderEarningTotal> Orders, IReadOnlyList<WorkerEarningTotal> Workers,
    IReadOnlyList<EarningRef> Details, IReadOnlyList<VendorWithdrawalTotal>? VendorWithdrawals = null);
