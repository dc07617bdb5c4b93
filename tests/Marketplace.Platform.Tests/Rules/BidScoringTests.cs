using Marketplace.Bidding.Domain;

namespace Marketplace.Platform.Tests.Rules;

public class BidScoringTests
{
    private static readonly DateTimeOffset Deadline = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static ScoredBidInput Bid(decimal price, int days, VendorRecord? record = null, int placedMinutes = 0) =>
        new(Guid.NewGuid(), price, Deadline.AddDays(days), Deadline.AddMinutes(-100 + placedMinutes), record ?? VendorRecord.None);

    [Test]
    public void The_cheapest_and_fastest_bid_of_new_vendors_scores_the_neutral_record()
    {
        var only = Bid(100m, 10);
        var score = BidScoring.Rank([only], Deadline).Single();
        Assert.That(score.Rank, Is.EqualTo(1));
        Assert.That(score.PriceScore, Is.EqualTo(1m));
        Assert.That(score.DeliveryScore, Is.EqualTo(1m));
        Assert.That(score.OnTimeScore, Is.EqualTo(0.8m));
        Assert.That(score.Score, Is.EqualTo(0.5m + 0.2m + 0.15m * 0.8m + 0.15m * 0.8m));
    }

    [Test]
    public void Twice_the_price_halves_the_price_part()
    {
        var cheap = Bid(100m, 10);
        var dear = Bid(200m, 10);
        var ranked = BidScoring.Rank([dear, cheap], Deadline);
        Assert.That(ranked[0].BidId, Is.EqualTo(cheap.BidId));
        Assert.That(ranked[1].PriceScore, Is.EqualTo(0.5m));
        Assert.That(ranked[0].Score - ranked[1].Score, Is.EqualTo(0.25m));
    }

    [Test]
    public void A_measured_record_can_outweigh_a_small_price_difference()
    {
        var reliable = Bid(105m, 10, new VendorRecord(10, 10, 10, 10, 10));
        var unreliable = Bid(100m, 10, new VendorRecord(10, 10, 2, 10, 3));
        var ranked = BidScoring.Rank([unreliable, reliable], Deadline);
        Assert.That(ranked[0].BidId, Is.EqualTo(reliable.BidId));
    }

    [Test]
    public void A_record_is_smoothed_towards_the_prior()
    {
        Assert.That(BidScoring.Smoothed(0, 0), Is.EqualTo(0.8m));
        Assert.That(BidScoring.Smoothed(0, 1), Is.EqualTo(0.5333m));
        Assert.That(BidScoring.Smoothed(8, 8), Is.EqualTo(0.96m));
    }

    [Test]
    public void Earlier_delivery_scores_higher_and_ties_go_to_the_lower_price_then_the_earlier_bid()
    {
        var fast = Bid(100m, 5);
        var slow = Bid(100m, 10);
        Assert.That(BidScoring.Rank([slow, fast], Deadline)[0].BidId, Is.EqualTo(fast.BidId));
        var first = Bid(100m, 5, placedMinutes: 1);
        var second = Bid(100m, 5, placedMinutes: 2);
        Assert.That(BidScoring.Rank([second, first], Deadline).Select(s => s.BidId), Is.EqualTo(new[] { first.BidId, second.BidId }));
    }

    [Test]
    public void No_bids_rank_to_nothing() => Assert.That(BidScoring.Rank([], Deadline), Is.Empty);
}
