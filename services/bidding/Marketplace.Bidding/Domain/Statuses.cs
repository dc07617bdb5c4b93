namespace Marketplace.Bidding.Domain;

/// <summary>A call's life: open until its bid deadline, then closed (bids stand), awarded, no_bids, or withdrawn by orders.
/// The database CHECK lists the same values.</summary>
public static class CallStatus
{
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Awarded = "awarded";
    public const string NoBids = "no_bids";
    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Open, Closed, Awarded, NoBids, Withdrawn];
}

/// <summary>A bid: live until the call is decided (won or lost), withdrawn by its vendor, or void when the call was withdrawn.</summary>
public static class BidStatus
{
    public const string Live = "live";
    public const string Withdrawn = "withdrawn";
    public const string Won = "won";
    public const string Lost = "lost";
    public const string Void = "void";

    public static readonly IReadOnlyList<string> All = [Live, Withdrawn, Won, Lost, Void];
}

/// <summary>How a bid states its price: per item (the total is per item x the call's item count) or the total.</summary>
public static class PriceKind
{
    public const string PerItem = "per_item";
    public const string Total = "total";

    public static readonly IReadOnlyList<string> All = [PerItem, Total];
}

/// <summary>A contract: active until the vendor delivers, then delivered, then accepted by the enterprise.</summary>
public static class ContractStatus
{
    public const string Active = "active";
    public const string Delivered = "delivered";
    public const string Accepted = "accepted";

    public static readonly IReadOnlyList<string> All = [Active, Delivered, Accepted];
}
