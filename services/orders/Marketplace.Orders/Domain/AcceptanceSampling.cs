namespace Marketplace.Orders.Domain;

/// <summary>
/// How many items the enterprise checks when an order is delivered, and whether the sample passes. The order may state
/// a sample size or a sampling rate; otherwise the size follows ISO 2859-1's single sampling plan at general inspection
/// level II (the table acceptance inspectors already know), capped at the number of items.
/// </summary>
public static class AcceptanceSampling
{
    // (largest lot size, sample size) from ISO 2859-1 table 1, general inspection level II.
    private static readonly (long MaxLot, int Sample)[] LevelII =
    [
        (8, 2), (15, 3), (25, 5), (50, 8), (90, 13), (150, 20), (280, 32), (500, 50), (1_200, 80), (3_200, 125),
        (10_000, 200), (35_000, 315), (150_000, 500), (500_000, 800), (long.MaxValue, 1_250),
    ];

    public static int SampleSize(long itemCount, int? sampleSize, decimal? sampleRate)
    {
        if (itemCount <= 0) throw new ArgumentOutOfRangeException(nameof(itemCount));
        long size = sampleSize ?? (sampleRate is { } rate
            ? (long)Math.Ceiling(itemCount * rate)
            : LevelII.First(row => itemCount <= row.MaxLot).Sample);
        return (int)Math.Clamp(size, 1, itemCount);
    }

    /// <summary>Passes when the share of items found right reaches the threshold (exact: no floating point).</summary>
    public static bool Passes(int itemsRight, int sampleSize, decimal passThreshold)
    {
        if (sampleSize <= 0 || itemsRight < 0 || itemsRight > sampleSize) throw new ArgumentOutOfRangeException(nameof(itemsRight));
        return itemsRight >= passThreshold * sampleSize;
    }
}
