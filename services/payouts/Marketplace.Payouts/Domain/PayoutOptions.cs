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

    /// <summary>
    /// Base64 of at least 32 bytes (Payouts:AccountKey), held by payouts alone, outside the database: payout account
    /// numbers are sealed with a key derived from it (<see cref="AccountVault"/>). Losing it loses the stored numbers.
    /// </summary>
    public string AccountKey { get; set; } = "";

    /// <summary>How often account numbers an older install stored in clear are sealed (the job also runs on demand).</summary>
    public TimeSpan SealAccountsInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How recently the worker must have given the password again (the token's auth_time) to change a payout method.</summary>
    public TimeSpan ReauthWindow { get; set; } = TimeSpan.FromMinutes(5);

    public byte[] AccountKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(AccountKey)) throw new InvalidOperationException("Payouts:AccountKey is not configured");
        var bytes = Convert.FromBase64String(AccountKey);
        if (bytes.Length < 32) throw new InvalidOperationException("Payouts:AccountKey must be at least 32 bytes");
        return bytes;
    }

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
