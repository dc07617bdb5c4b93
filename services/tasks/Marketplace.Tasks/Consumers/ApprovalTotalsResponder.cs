using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>
/// Answers settlement's reconciliation: approved assignments before the watermark, per order (read-only). A vendor's work
/// package counts under the order it is part of, as its approvals are booked.
/// </summary>
public sealed class ApprovalTotalsResponder(NpgsqlDataSource db) : IConsumer<GetApprovalTotals>
{
    public async Task Consume(ConsumeContext<GetApprovalTotals> context)
    {
        var watermark = context.Message.Watermark.UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, context.CancellationToken);
        const string totals = """
            SELECT coalesce(o.package_order_id, a.order_id) AS order_id, count(*) AS approved, sum(o.worker_reward + o.platform_fee) AS value
            FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.status = 'approved' AND a.approved_at < @watermark
            GROUP BY 1
            """;
        var orders = (await connection.QueryAsync<OrderApprovalTotal>(totals, new { watermark }, tx, commandTimeout: 300)).ToList();
        var details = new List<ApprovedAssignmentRef>();
        if (context.Message.DetailOrderIds.Count > 0)
        {
            const string ids = """
                SELECT a.id AS assignment_id, coalesce(o.package_order_id, a.order_id) AS order_id, a.worker_id
                FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
                WHERE a.status = 'approved' AND a.approved_at < @watermark
                  AND a.order_id IN (SELECT order_id FROM task_orders WHERE order_id = ANY(@orders) OR package_order_id = ANY(@orders))
                """;
            details.AddRange(await connection.QueryAsync<ApprovedAssignmentRef>(ids,
                new { watermark, orders = context.Message.DetailOrderIds.ToArray() }, tx));
        }
        await tx.CommitAsync(context.CancellationToken);
        await context.RespondAsync(new ApprovalTotals(context.Message.Watermark, orders, details));
    }
}
