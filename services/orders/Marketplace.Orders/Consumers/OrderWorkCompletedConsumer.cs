using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.Orders.Features;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>Every assignment is approved (first time, or after rework): the order is delivered and a new acceptance sample drawn.</summary>
public sealed class OrderWorkCompletedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<OrderWorkCompleted>
{
    public Task Consume(ConsumeContext<OrderWorkCompleted> context)
    {
        var completed = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderWorkCompletedConsumer), async tx =>
        {
            // A cancelled order's work is closed, not delivered: the process does not let it move.
            if (!(await process.FireAsync(tx, completed.OrderId, OrderTrigger.WorkCompleted)).Moved) return;
            await tx.Connection!.ExecuteAsync("""
                UPDATE orders SET approved_assignments = greatest(approved_assignments, @ApprovedAssignments),
                                  rework_funding = NULL, rework_funding_failure_reason = NULL
                WHERE id = @OrderId
                """, new { completed.OrderId, completed.ApprovedAssignments }, tx);
            await Acceptance.DrawSampleAsync(tx, completed.OrderId);
        });
    }
}
