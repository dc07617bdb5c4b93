namespace Marketplace.Bidding;

/// <summary>Bidding's settings ("Bidding" in configuration).</summary>
public sealed class BiddingOptions
{
    /// <summary>How often calls whose bid deadline passed are looked for and closed (and auto-awarded).</summary>
    public TimeSpan CloseSweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
