using Dapper;
using Npgsql;

namespace Marketplace.Orders.Features;

public sealed record OrderView(
    Guid Id, Guid EnterpriseOrgId, string Title, string Instructions, string TaskType, string Mode, string[] Labels,
    int Overlap, decimal UnitPrice, decimal WorkerReward, decimal PlatformFee, string Currency, int ItemCount, decimal Budget,
    DateTime Deadline, string Status, string? FundingFailureReason, DateTime CreatedAt, DateTime UpdatedAt)
{
    public const string Columns = """
        id, enterprise_org_id, title, instructions, task_type, mode, labels, overlap, unit_price, worker_reward, platform_fee,
        currency, item_count, budget, deadline, status, funding_failure_reason, created_at, updated_at
        """;

    /// <summary>An order as its owner (or an operator) sees it; another organisation's order does not exist for them.</summary>
    public static Task<OrderView?> FindAsync(NpgsqlConnection connection, Guid id, Guid? orgScope, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<OrderView>(
            $"SELECT {Columns} FROM orders WHERE id = @id AND (@orgScope::uuid IS NULL OR enterprise_org_id = @orgScope)",
            new { id, orgScope }, tx);
}
