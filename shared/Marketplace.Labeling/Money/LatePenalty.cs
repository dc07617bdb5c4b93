namespace Marketplace.Labeling.Money;

/// <summary>
/// What a contract delivered late owes the enterprise. Its first delivery after the deliver-by pays PercentPerDay of the
/// contract price for every day or part of a day late (a minute late is a day), at most MaxPercent of the price. Rounded
/// half away from zero to the fen: the penalty is a payment a person sees, the vendor keeps the exact rest. One rule for
/// bidding (the contract shows what is owed) and settlement (which books it at acceptance).
/// </summary>
public static class LatePenalty
{
    /// <summary>Money in whole fen (0.01): what people are charged and paid.</summary>
    public const int FenScale = 2;

    /// <summary>Whole or part days between the deliver-by and the first delivery; 0 when on time or not yet delivered.</summary>
    public static int DaysLate(DateTimeOffset deliverBy, DateTimeOffset? firstDeliveredAt)
    {
        if (firstDeliveredAt is not { } delivered || delivered <= deliverBy) return 0;
        var late = delivered - deliverBy;
        return (int)Math.Ceiling(late.Ticks / (decimal)TimeSpan.TicksPerDay);
    }

    public static decimal Percent(int daysLate, decimal percentPerDay, decimal maxPercent)
    {
        if (percentPerDay < 0) throw new ArgumentOutOfRangeException(nameof(percentPerDay));
        if (maxPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(maxPercent));
        return Math.Min(daysLate * percentPerDay, maxPercent);
    }

    public static decimal Amount(decimal price, DateTimeOffset deliverBy, DateTimeOffset? firstDeliveredAt, decimal percentPerDay, decimal maxPercent)
    {
        if (price < 0) throw new ArgumentOutOfRangeException(nameof(price));
        var percent = Percent(DaysLate(deliverBy, firstDeliveredAt), percentPerDay, maxPercent);
        return decimal.Round(price * percent / 100m, FenScale, MidpointRounding.AwayFromZero);
    }
}
