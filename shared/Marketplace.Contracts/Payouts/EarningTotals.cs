namespace Marketplace.Contracts.Payouts;

/// <summary>
/// Payouts' answer to <see cref="GetEarningTotals"/>; VendorWithdrawals: what it sent each organisation (vendors' and
/// enterprises' withdrawals) before the watermark; BankTransfers: what the bank's own books say it paid out for those
/// withdrawals (by the organisation paid), near the watermark or still unanswered marked so.
/// </summary>
public record EarningTotals(DateTimeOffset Watermark, IReadOnlyList<OrderEarningTotal> Orders, IReadOnlyList<WorkerEarningTotal> Workers,
    IReadOnlyList<EarningRef> Details, IReadOnlyList<VendorWithdrawalTotal>? VendorWithdrawals = null,
    IReadOnlyList<VendorWithdrawalTotal>? BankTransfers = null);
