using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>
/// A rejection that stands (no appeal in time, or the appeal denied) gets its item a new slot for another worker, once.
/// The new slot takes the rejected one's place in the order's count, so the order still completes with every item answered.
/// </summary>
public sealed class ReplaceRejected(NpgsqlDataSource db) : IJob<ReplaceRejected.Payload>
{
    public const string Name = "replace-rejected";

    public sealed record Payload(Guid AssignmentId);

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        var id = payload.AssignmentId;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The order's row first (lock order), so a cancellation either sees the replacement or the replacement sees it.
        await Approvals.LockOrderOfAsync(tx, id);
        var replaced = await connection.ExecuteAsync("""
            WITH rejected AS (
                SELECT a.* FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
                WHERE a.id = @id AND a.status = 'rejected' AND a.replaced_by IS NULL AND o.cancelled_at IS NULL
                  AND (a.appeal_status = 'denied' OR (a.appeal_status IS NULL AND a.appealable_until <= now()))
                FOR UPDATE OF a),
            replacement AS (
                INSERT INTO assignments (id, order_id, item_id, slot, content, is_gold, gold_answer, rework_round, rework_finding,
                                         prelabel, prelabel_planted)
                SELECT @newId, r.order_id, r.item_id,
                       1 + (SELECT max(x.slot) FROM assignments x WHERE x.order_id = r.order_id AND x.item_id = r.item_id),
                       r.content, r.is_gold, r.gold_answer, r.rework_round, r.rework_finding,
                       -- a planted suggestion stays planted; any other starts from the item's current suggestion
                       CASE WHEN r.prelabel_planted THEN r.prelabel ELSE coalesce(current_prelabel(r.order_id, r.item_id), r.prelabel) END,
                       r.prelabel_planted
                FROM rejected r
                RETURNING id)
            UPDATE assignments SET replaced_by = (SELECT id FROM replacement) WHERE id = @id AND EXISTS (SELECT 1 FROM replacement)
            """, new { id, newId = Guid.CreateVersion7() }, tx);
        await tx.CommitAsync(ct);
    }
}
