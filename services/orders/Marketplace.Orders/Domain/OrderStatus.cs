namespace Marketplace.Orders.Domain;

public static class OrderStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string FundingFailed = "funding_failed";
    public const string InProgress = "in_progress";
    public const string Delivered = "delivered";

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [Draft] = [Published],
        [Published] = [InProgress, FundingFailed],
        [FundingFailed] = [Published],
        [InProgress] = [Delivered],
        [Delivered] = [],
    };

    public static bool CanMove(string from, string to) => Allowed.TryGetValue(from, out var next) && next.Contains(to);
}
