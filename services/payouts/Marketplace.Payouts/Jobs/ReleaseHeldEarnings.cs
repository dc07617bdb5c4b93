using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Payouts.Jobs;

/// <summary>Held earnings past their hold become available to be paid out (a batch of them per transaction).</summary>
public sealed class ReleaseHeldEarnings(NpgsqlDataSource db) : IRecurringJob
{
    public const string Name = "release-held-earnings";

    public async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Balances are updated in worker order, as the payout batch locks them, so the two cannot deadlock.
            const string sql = """
                WITH due AS (
                    SELECT id FROM earnings WHERE status = 'held' AND available_at <= now()
                    ORDER BY available_at LIMIT 500
                    FOR UPDATE SKIP LOCKED),
                released AS (
                    UPDATE earnings e SET status = 'available' FROM due WHERE e.id = due.id
                    RETURNING e.worker_id, e.currency, e.amount),
                per_worker AS (
                    SELECT worker_id, currency, sum(amount) AS total FROM released GROUP BY worker_id, currency),
                locked AS (
                    SELECT b.worker_id, b.currency FROM worker_balances b JOIN per_worker w USING (worker_id, currency)
                    ORDER BY b.worker_id FOR UPDATE OF b)
                UPDATE worker_balances b SET held = b.held - w.total, available = b.available + w.total
                FROM per_worker w, locked l
                WHERE b.worker_id = w.worker_id AND b.currency = w.currency AND l.worker_id = w.worker_id AND l.currency = w.currency
                """;
            var moved = await connection.ExecuteAsync(sql, transaction: tx);
            await tx.CommitAsync(ct);
            if (moved == 0) return;
        }
    }
}
