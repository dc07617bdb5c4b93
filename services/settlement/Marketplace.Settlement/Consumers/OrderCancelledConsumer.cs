using Dapper;
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
            // Lock the escrow first: an OrderPublished being applied at the same moment either escrowed before us
            // (and we refund it) or sees the closure after us (and escrows nothing).
            await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(order.OrderId, order.Currency));
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO order_closures (order_id, enterprise_org_id, currency, work_started, closed_at)
                VALUES (@OrderId, @EnterpriseOrgId, @Currency, @WorkStarted, @cancelledAt)
                ON CONFLICT (order_id) DO NOTHING
                """, new { order.OrderId, order.EnterpriseOrgId, order.Currency, order.WorkStarted, cancelledAt = order.OccurredAt.ToUniversalTime() }, tx);
            await Refunds.TryRefundAsync(tx, outbox, order.OrderId, clock.GetUtcNow());
        });
    }
}
