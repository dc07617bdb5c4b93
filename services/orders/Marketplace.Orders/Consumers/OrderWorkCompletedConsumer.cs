using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.Orders.Domain;
using Marketplace.Orders.Features;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>Every assignment is approved (first time, or after rework): the order is delivered and a new acceptance sample drawn.</summary>
public sealed class OrderWorkCompletedConsumer(NpgsqlDataSource db) : IConsumer<OrderWorkCompleted>
{
    public Task Consume(ConsumeContext<OrderWorkCompleted> context)
    {
        var completed = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderWorkCompletedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var status = await connection.ExecuteScalarAsync<string?>(
                "SELECT status FROM orders WHERE id = @OrderId FOR UPDATE", new { completed.OrderId }, tx);
            // A cancelled order's work is closed, not delivered.
            if (status is not (OrderStatus.InProgress or OrderStatus.Rework)) return;
            await OrderTransitions.MoveAsync(tx, completed.OrderId, status, OrderStatus.Delivered);
            await connection.ExecuteAsync("""
                UPDATE orders SET approved_assignments = greatest(approved_assignments, @ApprovedAssignments),
                                  rework_funding = NULL, rework_funding_failure_reason = NULL
                WHERE id = @OrderId
                """, new { completed.OrderId, completed.ApprovedAssignments }, tx);
            await Acceptance.DrawSampleAsync(tx, completed.OrderId);
        });
    }
}
