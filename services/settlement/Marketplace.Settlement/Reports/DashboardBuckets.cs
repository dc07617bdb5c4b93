namespace Marketplace.Settlement.Reports;

/// <summary>
/// The dashboard's time axis: consecutive UTC calendar buckets (days, ISO weeks from Monday, months) covering [from, to),
/// the first and last cut to the period, so every moment of the period falls in exactly one bucket.
/// </summary>
public static class DashboardBuckets
{
    public static readonly string[] Intervals = ["day", "week", "month"];

    /// <summary>At most this many buckets in one answer (ten years of months, two years and a bit of weeks).</summary>
    public const int MaxBuckets = 120;

    /// <summary>Buckets in a default period: this one and the eleven before it.</summary>
    public const int DefaultBuckets = 12;

    public sealed record Bucket(DateTimeOffset Start, DateTimeOffset End);

    /// <summary>The start of the bucket holding <paramref name="t"/> (UTC).</summary>
    public static DateTimeOffset Floor(DateTimeOffset t, string interval)
    {
        var day = new DateTimeOffset(t.UtcDateTime.Date, TimeSpan.Zero);
        return interval switch
        {
            "day" => day,
            "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            "month" => new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "day, week or month"),
        };
    }

    public static DateTimeOffset Next(DateTimeOffset start, string interval) => interval switch
    {
        "day" => start.AddDays(1),
        "week" => start.AddDays(7),
        "month" => start.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "day, week or month"),
    };

    /// <summary>The default period: the bucket holding <paramref name="now"/> and the eleven before it, whole.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) DefaultPeriod(DateTimeOffset now, string interval)
    {
        var to = Next(Floor(now, interval), interval);
        var from = Floor(now, interval);
        for (var i = 1; i < DefaultBuckets; i++) from = Floor(from.AddTicks(-1), interval);
        return (from, to);
    }

    /// <returns>null when the period needs more than <paramref name="max"/> buckets.</returns>
    public static IReadOnlyList<Bucket>? Split(DateTimeOffset from, DateTimeOffset to, string interval, int max = MaxBuckets)
    {
        var buckets = new List<Bucket>();
        for (var start = from; start < to;)
        {
            if (buckets.Count == max) return null;
            var end = Next(Floor(start, interval), interval);
            if (end > to) end = to;
            buckets.Add(new Bucket(start, end));
            start = end;
        }
        return buckets;
    }
}
