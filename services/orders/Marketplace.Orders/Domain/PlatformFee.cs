namespace Marketplace.Orders.Domain;

public sealed class FeeOptions
{
    /// <summary>The platform's commission as a percentage of the unit price (exact decimal, e.g. 10 or 12.5).</summary>
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
}
