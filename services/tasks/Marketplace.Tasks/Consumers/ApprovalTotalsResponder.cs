using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>Answers settlement's reconciliation: approved assignments before the watermark, per order (read-only).</summary>
public sealed class ApprovalTotalsResponder(NpgsqlDataSource db) : IConsumer<GetApprovalTotals>
{
    public async Task Consume(ConsumeContext<GetApprovalTotals> context)
    {
        var watermark = context.Message.Watermark.UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, context.CancellationToken);
        const string totals = """
            SELECT a.order_id, count(*) AS approved, sum(o.worker_reward + o.platform_fee) AS value
            FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.status = 'approved' AND a.approved_at < @watermark
            GROUP BY a.order_id
            """;
        var orders = (await connection.QueryAsync<OrderApprovalTotal>(totals, new { watermark }, tx, commandTimeout: 300)).ToList();
        var details = new List<ApprovedAssignmentRef>();
        if (context.Message.DetailOrderIds.Count > 0)
        {
            const string ids = """
                SELECT id AS assignment_id, order_id, worker_id FROM assignments
                WHERE status = 'approved' AND approved_at < @watermark AND order_id = ANY(@orders)
                """;
            details.AddRange(await connection.QueryAsync<ApprovedAssignmentRef>(ids,
                new { watermark, orders = context.Message.DetailOrderIds.ToArray() }, tx));
        }
        await tx.CommitAsync(context.CancellationToken);
        await context.RespondAsync(new ApprovalTotals(context.Message.Watermark, orders, details));
    }
}
