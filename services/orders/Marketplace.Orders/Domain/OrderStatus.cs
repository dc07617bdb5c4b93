namespace Marketplace.Orders.Domain;

public static class OrderStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string FundingFailed = "funding_failed";
    public const string InProgress = "in_progress";
    public const string Delivered = "delivered";
    public const string Awarded = "awarded";
    public const string Rework = "rework";
    public const string Accepted = "accepted";
    public const string Closed = "closed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All =
        [Draft, Published, FundingFailed, Awarded, InProgress, Delivered, Rework, Accepted, Closed, Cancelled];

    // A crowd order goes published -> in_progress once funded; a bid order waits in published for an award.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [Draft] = [Published, Cancelled],
        [Published] = [InProgress, FundingFailed, Awarded, Cancelled],
        [FundingFailed] = [Published, Cancelled],
        // A reserved budget that times out before work starts makes the order unfunded again (funding_failed).
        [Awarded] = [InProgress, Cancelled, FundingFailed],
        [InProgress] = [Delivered, Cancelled],
        [Delivered] = [Accepted, Rework],
        [Rework] = [Delivered, Cancelled],
        [Accepted] = [Closed],
        [Closed] = [],
        [Cancelled] = [],
    };

    public static bool CanMove(string from, string to) => Allowed.TryGetValue(from, out var next) && next.Contains(to);
}
