using Dapper;
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
            // A contract's penalty is priced from its first delivery and the deliver-by orders holds now.
            await tx.Connection!.ExecuteAsync("""
                UPDATE contracts SET first_delivered_at = coalesce(first_delivered_at, @delivered), deliver_by = coalesce(@deliverBy, deliver_by)
                WHERE order_id = @OrderId AND settled_at IS NULL
                """, new { order.OrderId, delivered = order.FirstDeliveredAt?.UtcDateTime, deliverBy = order.DeliverBy?.UtcDateTime }, tx);
            await Refunds.CloseAsync(tx, outbox, order.OrderId, order.EnterpriseOrgId, order.Currency, "accepted",
                workStarted: true, order.ApprovedAssignments, order.OccurredAt, clock.GetUtcNow());
        });
    }
}
