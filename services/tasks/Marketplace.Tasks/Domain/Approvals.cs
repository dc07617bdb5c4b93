using Dapper;
using Npgsql;

namespace Marketplace.Tasks.Domain;

public static class Approvals
{
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
        return await tx.Connection!.ExecuteAsync(sql, new { assignmentId, autoApproved, from }, tx) == 1;
    }
}
