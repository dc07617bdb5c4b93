using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

public sealed class OrderWorkCompletedConsumer(NpgsqlDataSource db) : IConsumer<OrderWorkCompleted>
{
    public async Task Consume(ConsumeContext<OrderWorkCompleted> context)
    {
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(context.CancellationToken);
        if (await Inbox.TryRecordAsync(tx, context.MessageId, nameof(OrderWorkCompletedConsumer)))
        {
            await OrderTransitions.MoveAsync(tx, context.Message.OrderId, OrderStatus.InProgress, OrderStatus.Delivered);
        }
        await tx.CommitAsync(context.CancellationToken);
    }
}
