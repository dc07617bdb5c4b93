using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>
/// A rejection nobody appealed within its window stands: its deadline is data (assignments.appealable_until), and this
/// sweep gives each such item its new slot (the replace-rejected job's work, done here in turn). A denied appeal does
/// not wait for the sweep: the denial asks for the replace-rejected job at once.
/// </summary>
public sealed class ReplaceStandingRejections(NpgsqlDataSource db, ReplaceRejected replace) : IRecurringJob
{
    public const string Name = "replace-standing-rejections";
    private const int BatchSize = 500;

    public async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            List<Guid> due;
            await using (var connection = await db.OpenConnectionAsync(ct))
            {
                due = (await connection.QueryAsync<Guid>("""
                    SELECT id FROM assignments
                    WHERE status = 'rejected' AND replaced_by IS NULL AND appeal_status IS NULL AND appealable_until <= now()
                    ORDER BY appealable_until
                    LIMIT @BatchSize
                    """, new { BatchSize })).AsList();
            }
            // Each in its own transaction, the order's row first; one already replaced (by another run) is left as it is.
            foreach (var id in due) await replace.RunAsync(new ReplaceRejected.Payload(id), ct);
            if (due.Count < BatchSize) return;
        }
    }
}
