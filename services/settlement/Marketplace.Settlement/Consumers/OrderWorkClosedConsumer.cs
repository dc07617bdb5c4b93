using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Tasks says how many approvals a cancelled order ends with; the refund waits until all of them are booked.</summary>
public sealed class OrderWorkClosedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderWorkClosed>
{
    public Task Consume(ConsumeContext<OrderWorkClosed> context)
    {
        var closed = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderWorkClosedConsumer), async tx =>
        {
            var updated = await tx.Connection!.ExecuteAsync(
                "UPDATE order_closures SET expected_approvals = @ApprovedAssignments WHERE order_id = @OrderId",
                new { closed.ApprovedAssignments, closed.OrderId }, tx);
            // OrderCancelled has not been applied here yet: retry until it has, so no count is lost.
            if (updated == 0) throw new InvalidOperationException($"Order {closed.OrderId} has no recorded cancellation yet");
            await Refunds.TryRefundAsync(tx, outbox, closed.OrderId, clock.GetUtcNow());
        });
    }
}
