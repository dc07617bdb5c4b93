using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>An accepted order's unspent escrow goes back to the wallet once all its approvals are booked.</summary>
public sealed class OrderAcceptedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderAccepted>
{
    public Task Consume(ConsumeContext<OrderAccepted> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderAcceptedConsumer), async tx =>
        {
            await Refunds.CloseAsync(tx, outbox, order.OrderId, order.EnterpriseOrgId, order.Currency, "accepted",
                workStarted: true, order.ApprovedAssignments, order.OccurredAt, clock.GetUtcNow());
        });
    }
}
