using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Domain;
using Marketplace.Orders.Features;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Orders.Work;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>Escrow holds the budget: the order is in progress and its items go to the crowd (by the prepare-work job).</summary>
public sealed class OrderFundedConsumer(NpgsqlDataSource db) : IConsumer<OrderFunded>
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
                await JobIntents.EnqueueAsync<PrepareWork, PrepareWork.Payload>(tx, new(orderId), uniqueKey: $"prepare-work:{orderId}");
            }
        });
    }
}
