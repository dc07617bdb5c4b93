using Dapper;
using Marketplace.Labeling;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Domain;

/// <summary>
/// Each worker's record in each order: gold answered and right, submissions flagged too fast. A worker whose gold record
/// shows them below the order's required accuracy (GoldVerdict: after enough gold answers to judge, a worker as good as
/// required would rarely do as badly) is suspended from that order for a while, told why, and their other leases in it
/// go back to the pool. The gold slots that carried a planted wrong suggestion are judged on their own as well: a worker
/// who copies suggestions gets them all wrong.
/// </summary>
public static class Quality
{
    public static async Task RecordAsync(NpgsqlTransaction tx, Guid workerId, Guid orderId, bool gold, bool correct, bool tooFast,
        TasksOptions options, DateTimeOffset now, Outbox outbox, bool copiedPlanted = false, bool planted = false)
    {
        var connection = tx.Connection!;
        var record = await connection.QuerySingleAsync<(int Answered, int Correct, DateTime? SuspendedUntil, int Copied, int PlantedAnswered, int PlantedCorrect, decimal? Required)>("""
            WITH recorded AS (
                INSERT INTO worker_order_quality AS q (worker_id, order_id, gold_answered, gold_correct, too_fast, planted_copied, planted_answered, planted_correct)
                VALUES (@workerId, @orderId, @answered, @right, @fast, @copied, @plantedAnswered, @plantedRight)
                ON CONFLICT (worker_id, order_id) DO UPDATE
                SET gold_answered = q.gold_answered + @answered, gold_correct = q.gold_correct + @right,
                    too_fast = q.too_fast + @fast, planted_copied = q.planted_copied + @copied,
                    planted_answered = q.planted_answered + @plantedAnswered, planted_correct = q.planted_correct + @plantedRight, updated_at = now()
                RETURNING q.gold_answered, q.gold_correct, q.suspended_until, q.planted_copied, q.planted_answered, q.planted_correct)
            SELECT r.gold_answered, r.gold_correct, r.suspended_until, r.planted_copied, r.planted_answered, r.planted_correct, o.required_accuracy
            FROM recorded r, task_orders o WHERE o.order_id = @orderId
            """, new
        {
            workerId, orderId, answered = gold ? 1 : 0, right = gold && correct ? 1 : 0, fast = tooFast ? 1 : 0, copied = copiedPlanted ? 1 : 0,
            plantedAnswered = gold && planted ? 1 : 0, plantedRight = gold && planted && correct ? 1 : 0,
        }, tx);
        if (!gold) return;
        if (record.SuspendedUntil is { } until && until > now.UtcDateTime) return;
        var required = record.Required ?? options.DefaultRequiredAccuracy;
        // The checks that carried a planted suggestion, on their own, then the whole gold record. When the planted checks
        // fall short they are what the worker is told of: copying suggestions is the more specific cause to name.
        var plantedBelow = GoldVerdict.Below(record.PlantedAnswered, record.PlantedCorrect, required, options.GoldMinimumAnswers);
        if (!plantedBelow && !GoldVerdict.Below(record.Answered, record.Correct, required, options.GoldMinimumAnswers)) return;
        var (answered, right) = plantedBelow ? (record.PlantedAnswered, record.PlantedCorrect) : (record.Answered, record.Correct);

        var back = now + options.SuspensionDuration;
        var reason = $"Your answers to this order's check questions{(plantedBelow ? " that carried a suggestion" : "")} are {right} of {answered} right ({(decimal)right / answered:P0}); " +
                     $"the order requires {required:P0}, and a worker that accurate would rarely do this badly. " +
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
        await outbox.AddAsync(tx, new WorkerSuspended(workerId, orderId, answered, right, required, back, now));
    }
}
