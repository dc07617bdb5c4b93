using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>
/// Returns work whose lease lapsed to the pool, for orders nobody is claiming from (a claim reopens its order's lapsed
/// slots itself, at once: see ClaimAssignment), so progress and the slot list show them open. The slot keeps its last
/// worker (who is told the lease expired if they submit late) and that worker does not get the item again. Several
/// instances sweeping at once take disjoint rows (SKIP LOCKED).
/// </summary>
public sealed class SweepLapsedLeases(NpgsqlDataSource db) : IRecurringJob
{
    public const string Name = "lease-sweep";
    private const int BatchSize = 5_000;

    public async Task RunAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        int swept;
        do
        {
            swept = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE assignments SET status = 'open', lease_expires_at = NULL, leased_at = NULL, lapsed_count = lapsed_count + 1
                WHERE id IN (SELECT id FROM assignments
                             WHERE status = 'leased' AND lease_expires_at < now()
                             ORDER BY lease_expires_at
                             LIMIT @BatchSize
                             FOR UPDATE SKIP LOCKED)
                """, new { BatchSize }, cancellationToken: ct));
        } while (swept == BatchSize);
    }
}
