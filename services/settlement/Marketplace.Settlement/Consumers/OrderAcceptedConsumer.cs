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
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO order_closures (order_id, enterprise_org_id, currency, work_started, expected_approvals, reason, closed_at)
                VALUES (@OrderId, @EnterpriseOrgId, @Currency, true, @ApprovedAssignments, 'accepted', @closedAt)
                ON CONFLICT (order_id) DO NOTHING
                """, new { order.OrderId, order.EnterpriseOrgId, order.Currency, order.ApprovedAssignments, closedAt = order.OccurredAt.ToUniversalTime() }, tx);
            await Refunds.TryRefundAsync(tx, outbox, order.OrderId, clock.GetUtcNow());
        });
    }
}
