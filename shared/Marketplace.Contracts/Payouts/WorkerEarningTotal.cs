namespace Marketplace.Contracts.Payouts;

/// <summary>A worker's earnings and the payouts sent to them before the watermark: payouts owes them Earned - PaidOut.</summary>
public record WorkerEarningTotal(Guid WorkerId, string Currency, decimal Earned, decimal PaidOut, bool PaidNearWatermark);
