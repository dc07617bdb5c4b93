namespace Marketplace.Orders.Domain;

public sealed class FeeOptions
{
    /// <summary>The platform's commission as a percentage of the unit price (exact decimal, e.g. 10 or 12.5), for task
    /// types an operator has not given their own terms.</summary>
    public decimal PlatformFeePercent { get; set; } = 10m;
}

/// <summary>
/// Splits a unit price into the worker's reward and the platform's fee. The fee is rounded half-up to the ledger's
/// smallest unit (0.0001 yuan) and the reward is what remains, so reward + fee == price exactly: no residue is lost.
/// </summary>
public static class PlatformFee
{
    public const int LedgerScale = 4;

    public static (decimal WorkerReward, decimal Fee) Split(decimal unitPrice, decimal feePercent)
    {
        if (unitPrice <= 0) throw new ArgumentOutOfRangeException(nameof(unitPrice));
        if (feePercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(feePercent));
        var fee = decimal.Round(unitPrice * feePercent / 100m, LedgerScale, MidpointRounding.AwayFromZero);
        return (unitPrice - fee, fee);
    }

    /// <summary>
    /// What the budget holds beyond the work for the order's minimum fee: the minimum less the percent fee of the fewest
    /// slots the order can be accepted with (every regular item at the base overlap, plus the gold slots). Acceptance
    /// charges at most this much as the top-up (fewer approvals than that cannot be accepted), so escrow always covers it.
    /// </summary>
    public static decimal MinimumFeeReserve(decimal minimumFee, decimal feePerSlot, long fewestSlots) =>
        Math.Max(0m, minimumFee - feePerSlot * fewestSlots);
}
