using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>The wallet could not cover the budget: the enterprise sees why, tops up, and publishes again.</summary>
public sealed class OrderFundingFailedConsumer(NpgsqlDataSource db) : IConsumer<OrderFundingFailed>
{
    public Task Consume(ConsumeContext<OrderFundingFailed> context)
    {
        return db.ApplyOnceAsync(context, nameof(OrderFundingFailedConsumer), async tx =>
        {
            await OrderTransitions.MoveAsync(tx, context.Message.OrderId, OrderStatus.Published, OrderStatus.FundingFailed, context.Message.Reason);
        });
    }
}
