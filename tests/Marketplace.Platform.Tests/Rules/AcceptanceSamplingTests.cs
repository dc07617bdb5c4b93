using Marketplace.Orders.Domain;

namespace Marketplace.Platform.Tests.Rules;

public class AcceptanceSamplingTests
{
    [TestCase(2, 2)]
    [TestCase(8, 2)]
    [TestCase(9, 3)]
    [TestCase(50, 8)]
    [TestCase(500, 50)]
    [TestCase(501, 80)]
    [TestCase(10_000, 200)]
    [TestCase(1_000_000, 1_250)]
    public void Without_a_stated_plan_the_sample_follows_ISO_2859_level_II(long items, int expected) =>
        Assert.That(AcceptanceSampling.SampleSize(items, null, null), Is.EqualTo(expected));

    [Test]
    public void A_single_item_order_samples_its_one_item() => Assert.That(AcceptanceSampling.SampleSize(1, null, null), Is.EqualTo(1));

    [TestCase(100, 10, null, 10)]
    [TestCase(5, 10, null, 5)]
    [TestCase(1000, null, "0.05", 50)]
    [TestCase(101, null, "0.05", 6)]
    [TestCase(3, null, "0.01", 1)]
    public void A_stated_size_or_rate_wins_and_never_exceeds_the_items(long items, int? size, string? rate, int expected) =>
        Assert.That(AcceptanceSampling.SampleSize(items, size, rate is null ? null : decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(expected));

    [TestCase(19, 20, "0.95", true)]
    [TestCase(18, 20, "0.95", false)]
    [TestCase(7, 8, "0.875", true)]
    [TestCase(0, 8, "0", true)]
    [TestCase(8, 8, "1", true)]
    [TestCase(7, 8, "1", false)]
    public void The_sample_passes_when_the_share_right_reaches_the_threshold(int right, int size, string threshold, bool passes) =>
        Assert.That(AcceptanceSampling.Passes(right, size, decimal.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(passes));
}
