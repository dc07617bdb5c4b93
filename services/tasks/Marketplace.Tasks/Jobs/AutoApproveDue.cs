using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>
/// A submission nobody reviewed in time is approved: workers are not left unpaid by silent requesters. Its deadline is
/// data (assignments.auto_approve_at, set at submission from the order's review window); this sweep approves what is
/// due, order by order (the order's row first: the lock order in tasks). Instances sweeping at once take disjoint
/// rows (SKIP LOCKED), and an assignment reviewed meanwhile is simply no longer 'submitted'.
/// </summary>
public sealed class AutoApproveDue(NpgsqlDataSource db) : IRecurringJob
{
    public const string Name = "auto-approve-due";
    private const int BatchSize = 500;

    public async Task RunAsync(CancellationToken ct)
    {
        while (await ApproveBatchAsync(ct) == BatchSize) { }
    }

    private async Task<int> ApproveBatchAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var due = (await connection.QueryAsync<(Guid Id, Guid OrderId)>("""
            SELECT id, order_id FROM assignments
            WHERE status = 'submitted' AND auto_approve_at <= now()
            ORDER BY auto_approve_at
            LIMIT @BatchSize
            """, new { BatchSize })).AsList();
        foreach (var order in due.GroupBy(d => d.OrderId))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync("SELECT 1 FROM task_orders WHERE order_id = @Key FOR NO KEY UPDATE", new { order.Key }, tx);
            var ids = order.Select(d => d.Id).ToArray();
            var locked = await connection.QueryAsync<Guid>("""
                SELECT id FROM assignments WHERE id = ANY(@ids) AND status = 'submitted' AND auto_approve_at <= now()
                FOR UPDATE SKIP LOCKED
                """, new { ids }, tx);
            foreach (var id in locked) await Approvals.ApproveAsync(tx, id, autoApproved: true);
            await tx.CommitAsync(ct);
        }
        return due.Count;
    }
}
