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

/// <summary>
/// A crowd order's deadline passed with its work unfinished: its escrow closes like a cancelled order's (what is left
/// once tasks' final approvals are booked goes back to the wallet, OrderRefunded).
/// </summary>
public sealed class CloseWorkAtDeadlineConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<CloseWorkAtDeadline>
{
    public Task Consume(ConsumeContext<CloseWorkAtDeadline> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(CloseWorkAtDeadlineConsumer), tx =>
            Refunds.CloseAsync(tx, outbox, order.OrderId, order.EnterpriseOrgId, order.Currency, "deadline",
                workStarted: true, expectedApprovals: null, order.OccurredAt, clock.GetUtcNow()));
    }
}
