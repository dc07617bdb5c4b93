using Dapper;
using Npgsql;

namespace Marketplace.Tasks.Domain;

/// <summary>
/// Approving an assignment counts it on its order's row. Lock order in tasks: an order's <c>task_orders</c> row before any of
/// its assignment rows. Whoever approves takes the order row first (<see cref="LockOrderOfAsync"/>), as the OrderCancelled
/// consumer, aggregation and rework do; otherwise an approval holding an assignment and waiting for the order row deadlocks
/// with a cancellation holding the order row and withdrawing the assignments.
/// </summary>
public static class Approvals
{
    /// <summary>Takes the row lock of the assignment's order (FOR NO KEY UPDATE: foreign-key checks still pass).</summary>
    public static Task LockOrderOfAsync(NpgsqlTransaction tx, Guid assignmentId) =>
        tx.Connection!.ExecuteAsync("""
            SELECT 1 FROM task_orders WHERE order_id = (SELECT order_id FROM assignments WHERE id = @assignmentId) FOR NO KEY UPDATE
            """, new { assignmentId }, tx);

    /// <summary>Callers hold the order's row lock (<see cref="LockOrderOfAsync"/>).</summary>
    /// <returns>false when the assignment was no longer waiting for review (or, with <paramref name="from"/> = rejected, no longer rejected).</returns>
    public static async Task<bool> ApproveAsync(NpgsqlTransaction tx, Guid assignmentId, bool autoApproved, string from = "submitted")
    {
        const string sql = """
            WITH approved AS (
                UPDATE assignments SET status = 'approved', approved_at = now(), auto_approved = @autoApproved
                WHERE id = @assignmentId AND status = @from
                RETURNING order_id)
            UPDATE task_orders o SET approved_assignments = approved_assignments + 1
            FROM approved WHERE o.order_id = approved.order_id
            """;
        var approved = await tx.Connection!.ExecuteAsync(sql, new { assignmentId, autoApproved, from }, tx) == 1;
        if (approved) Publishing.ApprovalPublisher.Signal();
        return approved;
    }
}
