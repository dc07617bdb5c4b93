using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.Orders.Features;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>
/// A team or crowd work package is done (tasks approved and aggregated every answer). Sub-contracts whose items are all
/// in packages that are done are done too, tier by tier upwards; when every item of the order is allocated and every
/// package of the contract's tier is done, the order's work is complete and it is delivered, as a crowd order is on
/// OrderWorkCompleted. In rework, also every failed item of the newest failed sample must be in a rework package (all of
/// them done): then the order is delivered again and a new sample drawn. Under the order's row lock (as making a package
/// takes it), so two packages finishing at once cannot both miss the last one.
/// </summary>
public sealed class WorkPackageCompletedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<WorkPackageCompleted>
{
    public Task Consume(ConsumeContext<WorkPackageCompleted> context)
    {
        var done = context.Message;
        return db.ApplyOnceAsync(context, nameof(WorkPackageCompletedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            await connection.ExecuteAsync("SELECT 1 FROM orders WHERE id = @OrderId FOR UPDATE", done, tx);
            await connection.ExecuteAsync("""
                UPDATE work_packages SET status = 'done', completed_at = now(), approved_assignments = @ApprovedAssignments
                WHERE id = @PackageId AND order_id = @OrderId AND status = 'working'
                """, done, tx);
            // Deepest first: each pass closes the sub-contracts whose own packages are all done.
            while (await connection.ExecuteAsync("""
                UPDATE work_packages s SET status = 'done', completed_at = now(),
                       approved_assignments = (SELECT coalesce(sum(c.approved_assignments), 0) FROM work_packages c WHERE c.parent_id = s.id AND c.status = 'done')
                WHERE s.order_id = @OrderId AND s.kind = 'subcontract' AND s.status = 'accepted'
                  AND (SELECT count(*) FROM work_package_items w WHERE w.scope_id = s.id) = s.item_count
                  AND NOT EXISTS (SELECT 1 FROM work_packages c WHERE c.parent_id = s.id AND c.status NOT IN ('done', 'declined'))
                """, done, tx) > 0)
            {
            }
            var approved = await connection.ExecuteScalarAsync<int?>("""
                SELECT (SELECT coalesce(sum(approved_assignments), 0) FROM work_packages
                        WHERE order_id = @OrderId AND parent_id IS NULL AND status = 'done')::int
                WHERE (SELECT count(*) FROM order_items WHERE order_id = @OrderId AND gold IS NULL)
                      = (SELECT count(*) FROM work_package_items WHERE scope_id = @OrderId)
                  AND NOT EXISTS (SELECT 1 FROM work_packages WHERE order_id = @OrderId AND parent_id IS NULL AND status NOT IN ('done', 'declined'))
                  AND NOT EXISTS (
                      SELECT 1 FROM orders o
                      JOIN LATERAL (SELECT round, rework_scope_id FROM acceptance_rounds
                                    WHERE order_id = o.id AND status = 'failed' ORDER BY round DESC LIMIT 1) r ON true
                      JOIN acceptance_samples s ON s.order_id = o.id AND s.round = r.round AND s.ok = false
                      WHERE o.id = @OrderId AND o.status = 'rework'
                        AND NOT EXISTS (SELECT 1 FROM work_package_items w WHERE w.scope_id = r.rework_scope_id AND w.item_id = s.item_id))
                """, done, tx);
            if (approved is null) return; // items left to allocate, or packages still working
            if (!(await process.FireAsync(tx, done.OrderId, OrderTrigger.WorkCompleted)).Moved) return;
            await connection.ExecuteAsync("UPDATE orders SET approved_assignments = greatest(approved_assignments, @approved) WHERE id = @OrderId",
                new { done.OrderId, approved }, tx);
            await Acceptance.DrawSampleAsync(tx, done.OrderId);
        });
    }
}
