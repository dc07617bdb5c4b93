using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>The wallet could not cover the budget: the enterprise sees why, tops up, and publishes again.</summary>
public sealed class OrderFundingFailedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<OrderFundingFailed>
{
    public Task Consume(ConsumeContext<OrderFundingFailed> context) =>
        db.ApplyOnceAsync(context, nameof(OrderFundingFailedConsumer), tx =>
            process.FireAsync(tx, context.Message.OrderId, OrderTrigger.FundingFailed, context.Message.Reason));
}
