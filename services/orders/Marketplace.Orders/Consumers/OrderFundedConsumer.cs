using Dapper;
using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>
/// The budget is reserved: a crowd order goes to work (its items to tasks, by the prepare-work job); a bid-mode order
/// opens its call for bids (OrderProcess decides which).
/// </summary>
public sealed class OrderFundedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<OrderFunded>
{
    public Task Consume(ConsumeContext<OrderFunded> context)
    {
        var orderId = context.Message.OrderId;
        return db.ApplyOnceAsync(context, nameof(OrderFundedConsumer), async tx =>
        {
            await tx.Connection!.ExecuteAsync("UPDATE orders SET funded_at = now() WHERE id = @orderId AND funded_at IS NULL", new { orderId }, tx);
            // Funding for an order this service never had is a fault elsewhere: park it where operators see it.
            if ((await process.FireAsync(tx, orderId, OrderTrigger.Funded)).Result == OrderProcessRunner.Result.NotFound)
                throw new InvalidOperationException($"Order {orderId} is unknown");
        });
    }
}
