namespace Marketplace.Labeling.Money;

/// <summary>
/// The platform's fee on a contract: the order's FeePercent of the price after the late penalty, rounded half away from
/// zero to the fen, at least the order's MinimumFee (the rule crowd orders follow too) and never more than the price
/// after penalty. One rule for settlement (which takes it at acceptance) and orders (whose spending guard must not let a
/// vendor commit money the split will not leave it).
/// </summary>
public static class ContractFee
{
    public static decimal Of(decimal priceAfterPenalty, decimal feePercent, decimal minimumFee)
    {
        if (priceAfterPenalty < 0) throw new ArgumentOutOfRangeException(nameof(priceAfterPenalty));
        if (feePercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(feePercent));
        if (minimumFee < 0) throw new ArgumentOutOfRangeException(nameof(minimumFee));
        var fee = decimal.Round(priceAfterPenalty * feePercent / 100m, LatePenalty.FenScale, MidpointRounding.AwayFromZero);
        return Math.Min(Math.Max(fee, minimumFee), priceAfterPenalty);
    }
}
