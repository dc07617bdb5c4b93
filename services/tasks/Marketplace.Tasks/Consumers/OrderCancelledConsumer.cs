using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>
/// Closes a cancelled order's work: what nobody has submitted is withdrawn; what was submitted in good faith is approved
/// (and paid). The final count of approvals goes to settlement, which refunds the rest of the escrow once all are booked.
/// A contracted order's work is its vendors' team and crowd packages (as many as orders handed over): each is closed
/// the same way, and the counts answer for the order.
/// </summary>
public sealed class OrderCancelledConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderCancelled> context)
    {
        var cancelled = context.Message;
        var orderId = cancelled.OrderId;
        if (!cancelled.WorkStarted) return Task.CompletedTask;
        return db.ApplyOnceAsync(context, nameof(OrderCancelledConsumer), async tx =>
        {
            var connection = tx.Connection!;
            IReadOnlyList<Guid> workIds;
            if (cancelled.Contracted)
            {
                workIds = (await connection.QueryAsync<Guid>(
                    "SELECT order_id FROM task_orders WHERE package_order_id = @orderId ORDER BY order_id FOR NO KEY UPDATE", new { orderId }, tx)).AsList();
                // A package's work is still on its way (StartWorkPackage): let the retry policy bring this back after it.
                if (workIds.Count < cancelled.WorkPackages)
                    throw new InvalidOperationException($"Order {orderId}: {workIds.Count} of its {cancelled.WorkPackages} work packages have reached tasks");
            }
            else
            {
                var known = await connection.ExecuteScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM task_orders WHERE order_id = @orderId FOR NO KEY UPDATE)", new { orderId }, tx);
                // The work itself is still on its way (OrderReadyForWork): let the retry policy bring this back after it.
                if (!known) throw new InvalidOperationException($"Order {orderId} has not reached tasks yet");
                workIds = [orderId];
            }

            int approved = 0, withdrawn = 0;
            foreach (var workId in workIds)
            {
                var (a, w) = await CloseAsync(connection, tx, workId);
                approved += a;
                withdrawn += w;
            }
            await outbox.AddAsync(tx, new OrderWorkClosed(orderId, approved, withdrawn, clock.GetUtcNow()));
        });
    }

    /// <returns>The work's final count of approvals, and how many assignments were withdrawn.</returns>
    private static async Task<(int Approved, int Withdrawn)> CloseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid orderId)
    {
        var withdrawn = await connection.ExecuteAsync("""
            UPDATE assignments SET status = 'withdrawn', lease_expires_at = NULL
            WHERE order_id = @orderId AND status IN ('open', 'leased')
            """, new { orderId }, tx);
        await connection.ExecuteAsync("""
            WITH approved AS (
                UPDATE assignments SET status = 'approved', approved_at = now(), auto_approved = true
                WHERE order_id = @orderId AND status = 'submitted'
                RETURNING id)
            UPDATE task_orders SET approved_assignments = approved_assignments + (SELECT count(*) FROM approved),
                                   completed_at = coalesce(completed_at, now()), cancelled_at = now()
            WHERE order_id = @orderId
            """, new { orderId }, tx);
        var approved = await connection.ExecuteScalarAsync<int>(
            "SELECT approved_assignments FROM task_orders WHERE order_id = @orderId", new { orderId }, tx);
        return (approved, withdrawn);
    }
}
