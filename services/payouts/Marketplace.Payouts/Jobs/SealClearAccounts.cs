using Dapper;
using Marketplace.Payouts.Domain;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Payouts.Jobs;

/// <summary>
/// Seals the account numbers an install from before 0005_sealed_accounts.sql stored in clear (workers' payout methods
/// and vendors' payout accounts), a batch per transaction, and clears the plain column. New rows are sealed when written,
/// so after the first run this finds nothing (a partial index keeps that check cheap).
/// </summary>
public sealed class SealClearAccounts(NpgsqlDataSource db, AccountVault vault) : IRecurringJob
{
    public const string Name = "seal-clear-accounts";

    public async Task RunAsync(CancellationToken ct)
    {
        while (await SealBatchAsync("payout_methods", "worker_id", ct)) { }
        while (await SealBatchAsync("vendor_payout_accounts", "vendor_org_id", ct)) { }
    }

    private async Task<bool> SealBatchAsync(string table, string owner, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<(Guid Owner, string Account)>(
            $"SELECT {owner}, account FROM {table} WHERE account IS NOT NULL LIMIT 200 FOR UPDATE SKIP LOCKED", transaction: tx)).ToList();
        foreach (var (id, account) in rows)
        {
            await connection.ExecuteAsync($"UPDATE {table} SET account_sealed = @sealed, account = NULL WHERE {owner} = @id",
                new { id, @sealed = vault.Seal(account, id) }, tx);
        }
        await tx.CommitAsync(ct);
        return rows.Count > 0;
    }
}
