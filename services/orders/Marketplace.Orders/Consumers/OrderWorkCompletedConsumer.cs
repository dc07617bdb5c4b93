using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

public sealed class OrderWorkCompletedConsumer(NpgsqlDataSource db) : IConsumer<OrderWorkCompleted>
{
    public Task Consume(ConsumeContext<OrderWorkCompleted> context)
    {
        return db.ApplyOnceAsync(context, nameof(OrderWorkCompletedConsumer), async tx =>
        {
            await OrderTransitions.MoveAsync(tx, context.Message.OrderId, OrderStatus.InProgress, OrderStatus.Delivered);
        });
    }
}
