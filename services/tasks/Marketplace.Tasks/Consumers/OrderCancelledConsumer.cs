using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>Closes a cancelled order's work (when the crowd, or a contract's vendors, had it).</summary>
public sealed class OrderCancelledConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderCancelled> context)
    {
        var cancelled = context.Message;
        if (!cancelled.WorkStarted) return Task.CompletedTask;
        return db.ApplyOnceAsync(context, nameof(OrderCancelledConsumer), tx => WorkClosing.CloseAsync(tx, outbox, cancelled.OrderId,
            "cancelled", clock.GetUtcNow(), cancelled.Contracted ? cancelled.WorkPackages : null));
    }
}

/// <summary>Closes the work of a crowd order whose deadline passed before it was done.</summary>
public sealed class CloseWorkAtDeadlineConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<CloseWorkAtDeadline>
{
    public Task Consume(ConsumeContext<CloseWorkAtDeadline> context) =>
        db.ApplyOnceAsync(context, nameof(CloseWorkAtDeadlineConsumer),
            tx => WorkClosing.CloseAsync(tx, outbox, context.Message.OrderId, "deadline", clock.GetUtcNow()));
}

/// <summary>The enterprise extended a crowd order's deadline: tasks' copy of the terms follows.</summary>
public sealed class OrderDeadlineExtendedConsumer(NpgsqlDataSource db) : IConsumer<OrderDeadlineExtended>
{
    public Task Consume(ConsumeContext<OrderDeadlineExtended> context) =>
        db.ApplyOnceAsync(context, nameof(OrderDeadlineExtendedConsumer), async tx =>
        {
            var updated = await tx.Connection!.ExecuteAsync("""
                UPDATE task_orders SET deadline = @deadline, terms = jsonb_set(terms, '{deadline}', to_jsonb(@deadline::timestamptz))
                WHERE order_id = @OrderId
                """, new { context.Message.OrderId, deadline = context.Message.Deadline.UtcDateTime }, tx);
            if (updated == 0) throw new InvalidOperationException($"Order {context.Message.OrderId} has not reached tasks yet");
        });
}

/// <summary>
/// Closes an order's work for good (it was cancelled, or its deadline passed): what nobody has submitted is withdrawn;
/// what was submitted in good faith is approved (and paid). The final count of approvals goes to settlement
/// (OrderWorkClosed), which refunds the rest of the escrow once all are booked. A contracted order's work is its
/// vendors' team and crowd packages (as many as orders handed over): each is closed the same way, and the counts
/// answer for the order.
/// </summary>
public static class WorkClosing
{
    /// <param name="workPackages">For a contracted order, how many packages orders handed over; null for crowd work.</param>
    public static async Task CloseAsync(NpgsqlTransaction tx, Outbox outbox, Guid orderId, string reason, DateTimeOffset now, int? workPackages = null)
    {
        var connection = tx.Connection!;
        IReadOnlyList<Guid> workIds;
        if (workPackages is { } expected)
        {
            workIds = (await connection.QueryAsync<Guid>(
                "SELECT order_id FROM task_orders WHERE package_order_id = @orderId ORDER BY order_id FOR NO KEY UPDATE", new { orderId }, tx)).AsList();
            // A package's work is still on its way (StartWorkPackage): let the retry policy bring this back after it.
            if (workIds.Count < expected)
                throw new InvalidOperationException($"Order {orderId}: {workIds.Count} of its {expected} work packages have reached tasks");
        }
        else
        {
            var known = await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM task_orders WHERE order_id = @orderId FOR NO KEY UPDATE)", new { orderId }, tx);
            // The work itself is still on its way (OrderReadyForWork): let the retry policy bring this back after it.
            if (!known) throw new InvalidOperationException($"Order {orderId} has not reached tasks yet");
            workIds = [orderId];
        }

        int approved = 0, withdrawn = 0;
        foreach (var workId in workIds)
        {
            var (a, w) = await CloseOneAsync(connection, tx, workId, reason);
            approved += a;
            withdrawn += w;
        }
        await outbox.AddAsync(tx, new OrderWorkClosed(orderId, approved, withdrawn, now));
    }

    /// <returns>The work's final count of approvals, and how many assignments were withdrawn.</returns>
    private static async Task<(int Approved, int Withdrawn)> CloseOneAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid orderId, string reason)
    {
        var withdrawn = await connection.ExecuteAsync("""
            UPDATE assignments SET status = 'withdrawn', lease_expires_at = NULL
            WHERE order_id = @orderId AND status IN ('open', 'leased')
            """, new { orderId }, tx);
        await connection.ExecuteAsync("""
            WITH approved AS (
                UPDATE assignments SET status = 'approved', approved_at = now(), auto_approved = true
                WHERE order_id = @orderId AND status = 'submitted'
                RETURNING id)
            UPDATE task_orders SET approved_assignments = approved_assignments + (SELECT count(*) FROM approved),
                                   completed_at = coalesce(completed_at, now()), cancelled_at = now(), closed_reason = @reason
            WHERE order_id = @orderId
            """, new { orderId, reason }, tx);
        var approved = await connection.ExecuteScalarAsync<int>(
            "SELECT approved_assignments FROM task_orders WHERE order_id = @orderId", new { orderId }, tx);
        return (approved, withdrawn);
    }
}
