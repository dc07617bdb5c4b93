using Dapper;
using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>Shows the enterprise what came back to its wallet from a cancelled order.</summary>
public sealed class OrderRefundedConsumer(NpgsqlDataSource db) : IConsumer<OrderRefunded>
{
    public Task Consume(ConsumeContext<OrderRefunded> context) =>
        db.ApplyOnceAsync(context, nameof(OrderRefundedConsumer), tx =>
            tx.Connection!.ExecuteAsync("UPDATE orders SET refunded_amount = refunded_amount + @Amount WHERE id = @OrderId",
                new { context.Message.Amount, context.Message.OrderId }, tx));
}
