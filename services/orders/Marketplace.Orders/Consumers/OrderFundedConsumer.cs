using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Domain;
using Marketplace.Orders.Features;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>Escrow holds the budget: the order is in progress and its items go to the crowd.</summary>
public sealed class OrderFundedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderFunded>
{
    public Task Consume(ConsumeContext<OrderFunded> context)
    {
        var orderId = context.Message.OrderId;
        return db.ApplyOnceAsync(context, nameof(OrderFundedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var order = await OrderView.FindAsync(connection, orderId, null, tx)
                ?? throw new InvalidOperationException($"Order {orderId} is unknown");
            await connection.ExecuteAsync("UPDATE orders SET funded_at = now() WHERE id = @orderId AND funded_at IS NULL", new { orderId }, tx);
            // A bid-mode order waits, funded, for its call for bids to be awarded; a crowd order goes to work now.
            if (order.Mode == "crowd" && await OrderTransitions.MoveAsync(tx, orderId, OrderStatus.Published, OrderStatus.InProgress))
            {
                var items = await connection.QueryAsync<OrderItem>(
                    "SELECT item_id, content FROM order_items WHERE order_id = @orderId ORDER BY position", new { orderId }, tx);
                await outbox.AddAsync(tx, new OrderReadyForWork(order.Id, order.EnterpriseOrgId, order.TaskType, order.Labels,
                    items.ToList(), order.Overlap, order.UnitPrice, order.WorkerReward, order.PlatformFee, order.Currency,
                    order.Deadline, clock.GetUtcNow(), order.MultiLabel, order.Criteria, order.DataGrade, order.SuiteSize, order.LeaseSeconds));
            }
        });
    }
}
