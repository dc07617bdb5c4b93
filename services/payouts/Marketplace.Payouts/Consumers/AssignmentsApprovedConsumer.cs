using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Payouts.Consumers;

/// <summary>Each approved assignment becomes exactly one earning, credited to the worker's available balance.</summary>
public sealed class AssignmentsApprovedConsumer(NpgsqlDataSource db) : IConsumer<AssignmentsApproved>
{
    public Task Consume(ConsumeContext<AssignmentsApproved> context)
    {
        return db.ApplyOnceAsync(context, nameof(AssignmentsApprovedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            foreach (var approval in context.Message.Approvals.OrderBy(a => a.WorkerId))
            {
                const string sql = """
                    WITH earned AS (
                        INSERT INTO earnings (assignment_id, worker_id, order_id, amount, currency, approved_at)
                        VALUES (@AssignmentId, @WorkerId, @OrderId, @WorkerReward, @Currency, @approvedAt)
                        ON CONFLICT (assignment_id) DO NOTHING
                        RETURNING worker_id, currency, amount)
                    INSERT INTO worker_balances (worker_id, currency, available)
                    SELECT worker_id, currency, amount FROM earned
                    ON CONFLICT (worker_id, currency) DO UPDATE SET available = worker_balances.available + EXCLUDED.available
                    """;
                await connection.ExecuteAsync(sql, new
                {
                    approval.AssignmentId, approval.WorkerId, approval.OrderId, approval.WorkerReward, approval.Currency,
                    approvedAt = approval.ApprovedAt.ToUniversalTime(),
                }, tx);
            }
        });
    }
}
