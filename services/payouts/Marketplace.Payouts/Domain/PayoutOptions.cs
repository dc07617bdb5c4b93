namespace Marketplace.Payouts.Domain;

public sealed class PayoutOptions
{
    /// <summary>Balances below this are carried to the next batch (bank transfers cost money).</summary>
    public decimal MinimumPayout { get; set; } = 10.00m;

    /// <summary>An earning is held this long after its approval (reversible by an operator), then available.</summary>
    public TimeSpan EarningsHold { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often held earnings past their hold are made available.</summary>
    public TimeSpan HoldReleaseInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A payout the rail has not answered for this long is asked about again with the same reference.</summary>
    public TimeSpan RetryPendingAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Base64 of at least 32 bytes that the bank and payouts share to sign the bank's callbacks (Payouts:RailCallbackSecret).
    /// Its own secret: it opens nothing else (a token is checked against the gateway's public key, never against this).
    /// </summary>
    public string RailCallbackSecret { get; set; } = "";

    public byte[] RailCallbackKey()
    {
        if (string.IsNullOrWhiteSpace(RailCallbackSecret)) throw new InvalidOperationException("Payouts:RailCallbackSecret is not configured");
        var bytes = Convert.FromBase64String(RailCallbackSecret);
        if (bytes.Length < 32) throw new InvalidOperationException("Payouts:RailCallbackSecret must be at least 32 bytes");
        return bytes;
    }
}

/// <summary>Money leaves the platform in whole fen: the payout is the balance rounded down; the residue stays available.</summary>
public static class PayoutRounding
{
    public static decimal Payable(decimal available) => decimal.Floor(available * 100m) / 100m;
}
