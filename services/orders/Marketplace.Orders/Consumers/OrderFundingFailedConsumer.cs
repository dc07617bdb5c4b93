using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>The wallet could not cover the budget: the enterprise sees why, tops up, and publishes again.</summary>
public sealed class OrderFundingFailedConsumer(NpgsqlDataSource db) : IConsumer<OrderFundingFailed>
{
    public async Task Consume(ConsumeContext<OrderFundingFailed> context)
    {
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(context.CancellationToken);
        if (await Inbox.TryRecordAsync(tx, context.MessageId, nameof(OrderFundingFailedConsumer)))
        {
            await OrderTransitions.MoveAsync(tx, context.Message.OrderId, OrderStatus.Published, OrderStatus.FundingFailed, context.Message.Reason);
        }
        await tx.CommitAsync(context.CancellationToken);
    }
}
