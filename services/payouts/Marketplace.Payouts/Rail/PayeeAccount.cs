using Dapper;
using Marketplace.Payouts.Domain;
using Npgsql;

namespace Marketplace.Payouts.Rail;

/// <summary>The full account number a payment goes to, opened from its seal only to hand it to the rail ("" when none).</summary>
public static class PayeeAccount
{
    public static Task<string> OfWorkerAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AccountVault vault, Guid workerId) =>
        OpenAsync(connection, tx, vault, "SELECT account, account_sealed FROM payout_methods WHERE worker_id = @owner", workerId);

    public static Task<string> OfVendorAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AccountVault vault, Guid vendorOrgId) =>
        OpenAsync(connection, tx, vault, "SELECT account, account_sealed FROM vendor_payout_accounts WHERE vendor_org_id = @owner", vendorOrgId);

    private static async Task<string> OpenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AccountVault vault, string sql, Guid owner)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string? Account, byte[]? Sealed)>(sql, new { owner }, tx);
        // A row not sealed yet (an older install, before the seal job's first run) still pays.
        return row.Sealed is { } sealedBytes ? vault.Open(sealedBytes, owner) : row.Account ?? "";
    }
}
