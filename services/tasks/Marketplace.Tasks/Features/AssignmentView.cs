using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Tasks.Features;

public sealed record AssignmentView(
    Guid Id, Guid OrderId, string ItemId, int Slot, string Content, string Status, Guid? WorkerId, DateTime? LeaseExpiresAt,
    string? Answer, DateTime? SubmittedAt, DateTime? ApprovedAt, bool AutoApproved, string TaskType, string[] Labels,
    decimal WorkerReward, string Currency)
{
    private const string Select = """
        SELECT a.id, a.order_id, a.item_id, a.slot, a.content, a.status, a.worker_id, a.lease_expires_at, a.answer,
               a.submitted_at, a.approved_at, a.auto_approved, o.task_type, o.labels, o.worker_reward, o.currency
        FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
        """;

    /// <summary>What a caller may see: a worker their own assignments, an enterprise its orders', an operator all.</summary>
    public static Task<AssignmentView?> FindAsync(NpgsqlConnection connection, Guid id, Caller caller, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<AssignmentView>($"""
            {Select}
            WHERE a.id = @id
              AND (@role = 'operator'
                   OR (@role = 'worker' AND a.worker_id = @UserId)
                   OR (@role = 'enterprise' AND o.enterprise_org_id = @OrgId))
            """, new { id, role = caller.Role, caller.UserId, caller.OrgId }, tx);

    public static Task<IEnumerable<AssignmentView>> ForOrderAsync(NpgsqlConnection connection, Guid orderId) =>
        connection.QueryAsync<AssignmentView>($"{Select} WHERE a.order_id = @orderId ORDER BY a.item_id, a.slot", new { orderId });
}
