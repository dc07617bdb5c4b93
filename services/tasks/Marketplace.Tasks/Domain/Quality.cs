using Dapper;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Domain;

/// <summary>
/// Each worker's record in each order: gold answered and right, submissions flagged too fast. A worker whose accuracy on
/// gold falls below the order's required accuracy (after enough gold answers to judge) is suspended from that order
/// for a while, told why, and their other leases in it go back to the pool.
/// </summary>
public static class Quality
{
    public static async Task RecordAsync(NpgsqlTransaction tx, Guid workerId, Guid orderId, bool gold, bool correct, bool tooFast,
        TasksOptions options, DateTimeOffset now, Outbox outbox, bool copiedPlanted = false)
    {
        var connection = tx.Connection!;
        var record = await connection.QuerySingleAsync<(int Answered, int Correct, DateTime? SuspendedUntil, int Copied, decimal? Required)>("""
            WITH recorded AS (
                INSERT INTO worker_order_quality AS q (worker_id, order_id, gold_answered, gold_correct, too_fast, planted_copied)
                VALUES (@workerId, @orderId, @answered, @right, @fast, @copied)
                ON CONFLICT (worker_id, order_id) DO UPDATE
                SET gold_answered = q.gold_answered + @answered, gold_correct = q.gold_correct + @right,
                    too_fast = q.too_fast + @fast, planted_copied = q.planted_copied + @copied, updated_at = now()
                RETURNING q.gold_answered, q.gold_correct, q.suspended_until, q.planted_copied)
            SELECT r.gold_answered, r.gold_correct, r.suspended_until, r.planted_copied, o.required_accuracy
            FROM recorded r, task_orders o WHERE o.order_id = @orderId
            """, new { workerId, orderId, answered = gold ? 1 : 0, right = gold && correct ? 1 : 0, fast = tooFast ? 1 : 0, copied = copiedPlanted ? 1 : 0 }, tx);
        if (!gold || record.Answered < options.GoldMinimumAnswers) return;
        if (record.SuspendedUntil is { } until && until > now.UtcDateTime) return;
        var required = record.Required ?? options.DefaultRequiredAccuracy;
        if (record.Correct >= required * record.Answered) return;

        var back = now + options.SuspensionDuration;
        var reason = $"Your answers to this order's check questions are {record.Correct} of {record.Answered} right " +
                     $"({(decimal)record.Correct / record.Answered:P0}); the order requires {required:P0}. " +
                     (record.Copied > 0 ? $"{record.Copied} of your wrong answers repeated the model's suggestion unchanged: check each suggestion before you submit it. " : "") +
                     $"You can take its work again from {back.UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
        // The worker's other leases go back, skipping any another transaction holds (being submitted, or withdrawn by a
        // cancellation): waiting for them here, while holding the submitted slot, could deadlock.
        await connection.ExecuteAsync("""
            UPDATE worker_order_quality SET suspended_until = @back, suspension_reason = @reason, updated_at = now()
            WHERE worker_id = @workerId AND order_id = @orderId;
            UPDATE assignments SET status = 'open', lease_expires_at = NULL, leased_at = NULL
            WHERE id IN (SELECT id FROM assignments WHERE worker_id = @workerId AND order_id = @orderId AND status = 'leased'
                         FOR UPDATE SKIP LOCKED);
            """, new { workerId, orderId, back = back.UtcDateTime, reason }, tx);
        // Told in-app (the gateway's notifications) as well as on the next claim.
        await outbox.AddAsync(tx, new WorkerSuspended(workerId, orderId, record.Answered, record.Correct, required, back, now));
    }
}
