using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

public sealed class OrderCancelledConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderCancelled> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderCancelledConsumer), async tx =>
        {
            await Refunds.CloseAsync(tx, outbox, order.OrderId, order.EnterpriseOrgId, order.Currency, "cancelled",
                order.WorkStarted, expectedApprovals: null, order.OccurredAt, clock.GetUtcNow());
        });
    }
}
