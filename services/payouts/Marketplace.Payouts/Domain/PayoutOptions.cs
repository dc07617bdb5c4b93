namespace Marketplace.Payouts.Domain;

public sealed class PayoutOptions
{
    /// <summary>Balances below this are carried to the next batch (bank transfers cost money).</summary>
    public decimal MinimumPayout { get; set; } = 1.00m;

    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A payout the rail has not answered for this long is asked about again with the same reference.</summary>
    public TimeSpan RetryPendingAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Money leaves the platform in whole fen: the payout is the balance rounded down; the residue stays available.</summary>
public static class PayoutRounding
{
    public static decimal Payable(decimal available) => decimal.Floor(available * 100m) / 100m;
}
