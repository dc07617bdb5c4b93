using Dapper;
using Marketplace.Bidding.Features;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Bidding.Jobs;

/// <summary>
/// Closes the calls whose bid deadline has passed (deadlines are data: calls.bid_deadline), each exactly once however
/// many instances sweep at once: each call is claimed with FOR UPDATE SKIP LOCKED in its own transaction (another
/// sweeper, an award or a bid in flight holds it: skip it, the next sweep takes it), and the close itself is guarded by
/// the status it leaves (Awarding.CloseAsync).
/// </summary>
public sealed class CloseDueCalls(NpgsqlDataSource db, Outbox outbox) : IRecurringJob
{
    public const string Name = "close-due-calls";
    private const int MaxPerRun = 1000;

    public async Task RunAsync(CancellationToken ct)
    {
        for (var closed = 0; closed < MaxPerRun; closed++)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var call = await connection.QuerySingleOrDefaultAsync<CallRow>($"""
                SELECT {CallRows.Columns} FROM calls c
                WHERE c.status = 'open' AND c.bid_deadline <= clock_timestamp()
                ORDER BY c.bid_deadline LIMIT 1
                FOR UPDATE SKIP LOCKED
                """, transaction: tx);
            if (call is null) return;
            await Awarding.CloseAsync(tx, outbox, call);
            await tx.CommitAsync(ct);
        }
    }
}
