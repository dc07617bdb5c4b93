using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>
/// A failed acceptance sample sends items back: each gets one more assignment slot (for a worker who has not labelled
/// it: the worker_items rule still holds), carrying the finding, and the order is open for work again.
/// </summary>
public sealed class OrderReworkReadyConsumer(NpgsqlDataSource db) : IConsumer<OrderReworkReady>
{
    public Task Consume(ConsumeContext<OrderReworkReady> context)
    {
        var rework = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderReworkReadyConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var cancelled = await connection.ExecuteScalarAsync<bool?>(
                "SELECT cancelled_at IS NOT NULL FROM task_orders WHERE order_id = @OrderId FOR NO KEY UPDATE", new { rework.OrderId }, tx)
                ?? throw new InvalidOperationException($"Order {rework.OrderId} is unknown to tasks");
            if (cancelled) return; // cancelled while the rework was being funded: settlement refunds it
            var already = await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM assignments WHERE order_id = @OrderId AND rework_round = @Round)", new { rework.OrderId, rework.Round }, tx);
            if (already || rework.Items.Count == 0) return;

            await connection.ExecuteAsync("""
                INSERT INTO assignments (id, order_id, item_id, slot, content, rework_round, rework_finding)
                SELECT v.id, @OrderId, v.item_id,
                       1 + (SELECT max(a.slot) FROM assignments a WHERE a.order_id = @OrderId AND a.item_id = v.item_id),
                       v.content, @Round, v.finding
                FROM unnest(@ids, @itemIds, @contents, @findings) AS v(id, item_id, content, finding)
                """, new
            {
                rework.OrderId, rework.Round,
                ids = rework.Items.Select(_ => Guid.CreateVersion7()).ToArray(),
                itemIds = rework.Items.Select(i => i.ItemId).ToArray(),
                contents = rework.Items.Select(i => i.Content).ToArray(),
                findings = rework.Items.Select(i => i.Finding).ToArray(),
            }, tx);
            await connection.ExecuteAsync("""
                UPDATE task_orders SET total_assignments = total_assignments + @count, completed_at = NULL WHERE order_id = @OrderId
                """, new { rework.OrderId, count = rework.Items.Count }, tx);
        });
    }
}
