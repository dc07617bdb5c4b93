namespace Marketplace.Bidding.Domain;

/// <summary>A vendor's measured record: counted from its contracts (deliveries and acceptances bidding was told of).</summary>
public sealed record VendorRecord(int Contracts, int Delivered, int OnTime, int Accepted, int PassedFirstTime)
{
    public static readonly VendorRecord None = new(0, 0, 0, 0, 0);

    /// <summary>Share of delivered contracts whose first delivery came by the contract's date (null: none delivered yet).</summary>
    public decimal? OnTimeRate => Delivered == 0 ? null : Math.Round((decimal)OnTime / Delivered, 4);

    /// <summary>Share of accepted contracts accepted without any rework (null: none accepted yet).</summary>
    public decimal? PassRate => Accepted == 0 ? null : Math.Round((decimal)PassedFirstTime / Accepted, 4);
}

/// <summary>One standing bid as the score sees it.</summary>
public sealed record ScoredBidInput(Guid BidId, decimal Price, DateTimeOffset DeliverBy, DateTimeOffset PlacedAt, VendorRecord Record);

/// <summary>A bid's score (0..1, higher is better) and its parts, each 0..1.</summary>
public sealed record BidScore(Guid BidId, int Rank, decimal Score, decimal PriceScore, decimal DeliveryScore, decimal OnTimeScore, decimal PassScore);

/// <summary>
/// The documented score (docs/decisions.md, "Calls for bids"): 50 % price, 20 % delivery date, 15 % on-time record, 15 %
/// acceptance pass record. Price and delivery are relative to the best bid of the call (lowest price / earliest delivery
/// scores 1, twice as dear or twice as slow 0.5); a record is smoothed towards a neutral prior of 0.8 with the weight of
/// two contracts, so a new vendor scores 0.8 and one bad delivery does not sink a good record. Ties: the lower price,
/// then the earlier delivery, then the earlier bid.
/// </summary>
public static class BidScoring
{
    public const decimal PriceWeight = 0.50m;
    public const decimal DeliveryWeight = 0.20m;
    public const decimal OnTimeWeight = 0.15m;
    public const decimal PassWeight = 0.15m;
    public const decimal NeutralPrior = 0.8m;
    public const int PriorWeight = 2;

    /// <summary>Delivery is measured from the call's bid deadline, with at least an hour, so a same-day bid cannot divide by zero.</summary>
    private static readonly TimeSpan MinimumLead = TimeSpan.FromHours(1);

    public static decimal Smoothed(int hits, int count) => Math.Round((hits + NeutralPrior * PriorWeight) / (count + PriorWeight), 4);

    public static IReadOnlyList<BidScore> Rank(IReadOnlyCollection<ScoredBidInput> bids, DateTimeOffset bidDeadline)
    {
        if (bids.Count == 0) return [];
        var lowest = bids.Min(b => b.Price);
        TimeSpan Lead(ScoredBidInput b) => b.DeliverBy - bidDeadline is var lead && lead > MinimumLead ? lead : MinimumLead;
        var fastest = bids.Min(Lead);
        var scored = bids.Select(b =>
        {
            var price = Math.Round(lowest / b.Price, 4);
            var delivery = Math.Round((decimal)(fastest.TotalSeconds / Lead(b).TotalSeconds), 4);
            var onTime = Smoothed(b.Record.OnTime, b.Record.Delivered);
            var pass = Smoothed(b.Record.PassedFirstTime, b.Record.Accepted);
            var score = Math.Round(PriceWeight * price + DeliveryWeight * delivery + OnTimeWeight * onTime + PassWeight * pass, 4);
            return (Bid: b, Score: new BidScore(b.BidId, 0, score, price, delivery, onTime, pass));
        })
        .OrderByDescending(x => x.Score.Score).ThenBy(x => x.Bid.Price).ThenBy(x => x.Bid.DeliverBy).ThenBy(x => x.Bid.PlacedAt).ThenBy(x => x.Bid.BidId)
        .ToList();
        return scored.Select((x, i) => x.Score with { Rank = i + 1 }).ToList();
    }
}
