using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>Splits a funded order into micro-tasks: one assignment slot per item and overlap.</summary>
public sealed class OrderReadyForWorkConsumer(NpgsqlDataSource db) : IConsumer<OrderReadyForWork>
{
    public Task Consume(ConsumeContext<OrderReadyForWork> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderReadyForWorkConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var inserted = await connection.ExecuteAsync("""
                INSERT INTO task_orders (order_id, enterprise_org_id, task_type, labels, worker_reward, platform_fee, currency, deadline,
                                         total_assignments, multi_label, criteria, data_grade, suite_size, lease_seconds)
                VALUES (@OrderId, @EnterpriseOrgId, @TaskType, @labels, @WorkerReward, @PlatformFee, @Currency, @deadline,
                        @total, @MultiLabel, @criteria::jsonb, @DataGrade, @SuiteSize, @LeaseSeconds)
                ON CONFLICT (order_id) DO NOTHING
                """, new
            {
                order.OrderId, order.EnterpriseOrgId, order.TaskType, labels = order.Labels.ToArray(), order.WorkerReward,
                order.PlatformFee, order.Currency, deadline = order.Deadline.ToUniversalTime(), total = order.Items.Count * order.Overlap,
                order.MultiLabel, order.DataGrade, order.SuiteSize, order.LeaseSeconds,
                criteria = System.Text.Json.JsonSerializer.Serialize(order.Criteria ?? [], new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)),
            }, tx);
            if (inserted == 1)
            {
                var slots = order.Items.SelectMany(item => Enumerable.Range(0, order.Overlap).Select(slot => new
                {
                    id = Guid.CreateVersion7(), order.OrderId, item.ItemId, slot, item.Content,
                }));
                await connection.ExecuteAsync("""
                    INSERT INTO assignments (id, order_id, item_id, slot, content) VALUES (@id, @OrderId, @ItemId, @slot, @Content)
                    """, slots, tx);
            }
        });
    }
}
