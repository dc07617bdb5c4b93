using Marketplace.Settlement.Reports;

namespace Marketplace.Platform.Tests.Rules;

public class DashboardBucketsTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    [Test]
    public void Months_are_calendar_months_in_UTC_and_the_ends_are_cut_to_the_period()
    {
        var buckets = DashboardBuckets.Split(Utc(2026, 1, 15), Utc(2026, 4, 2), "month")!;
        Assert.That(buckets.Select(b => (b.Start, b.End)), Is.EqualTo(new[]
        {
            (Utc(2026, 1, 15), Utc(2026, 2, 1)), (Utc(2026, 2, 1), Utc(2026, 3, 1)), (Utc(2026, 3, 1), Utc(2026, 4, 1)),
            (Utc(2026, 4, 1), Utc(2026, 4, 2)),
        }));
    }

    [Test]
    public void Weeks_start_on_Monday()
    {
        // 2026-12-02 is a Wednesday.
        var buckets = DashboardBuckets.Split(Utc(2026, 12, 2, 13), Utc(2026, 12, 15), "week")!;
        Assert.That(buckets.Select(b => b.Start), Is.EqualTo(new[] { Utc(2026, 12, 2, 13), Utc(2026, 12, 7), Utc(2026, 12, 14) }));
        Assert.That(buckets[0].End, Is.EqualTo(Utc(2026, 12, 7)));
        Assert.That(DashboardBuckets.Floor(Utc(2026, 12, 6, 23), "week"), Is.EqualTo(Utc(2026, 11, 30)), "a Sunday belongs to the week before");
    }

    [Test]
    public void Buckets_cover_the_period_without_gaps_or_overlaps()
    {
        foreach (var interval in DashboardBuckets.Intervals)
        {
            var (from, to) = (Utc(2025, 2, 27, 5), Utc(2026, 3, 3, 7));
            var buckets = DashboardBuckets.Split(from, to, interval, max: 1000)!;
            Assert.That(buckets[0].Start, Is.EqualTo(from));
            Assert.That(buckets[^1].End, Is.EqualTo(to));
            Assert.That(buckets.Zip(buckets.Skip(1)).All(p => p.First.End == p.Second.Start), Is.True, interval);
            Assert.That(buckets.All(b => b.Start < b.End), Is.True, interval);
        }
    }

    [Test]
    public void A_period_of_more_than_the_maximum_buckets_is_refused()
    {
        Assert.That(DashboardBuckets.Split(Utc(2026, 1, 1), Utc(2026, 1, 1).AddDays(DashboardBuckets.MaxBuckets), "day"), Has.Count.EqualTo(DashboardBuckets.MaxBuckets));
        Assert.That(DashboardBuckets.Split(Utc(2026, 1, 1), Utc(2026, 1, 1).AddDays(DashboardBuckets.MaxBuckets + 1), "day"), Is.Null);
    }

    [Test]
    public void The_default_period_is_this_bucket_and_the_eleven_before_it()
    {
        var (from, to) = DashboardBuckets.DefaultPeriod(Utc(2026, 12, 2, 16), "month");
        Assert.That((from, to), Is.EqualTo((Utc(2026, 1, 1), Utc(2027, 1, 1))));
        Assert.That(DashboardBuckets.Split(from, to, "month"), Has.Count.EqualTo(12));
        var (weekFrom, weekTo) = DashboardBuckets.DefaultPeriod(Utc(2026, 12, 2, 16), "week");
        Assert.That(DashboardBuckets.Split(weekFrom, weekTo, "week"), Has.Count.EqualTo(12));
        Assert.That(weekTo, Is.EqualTo(Utc(2026, 12, 7)));
    }
}
