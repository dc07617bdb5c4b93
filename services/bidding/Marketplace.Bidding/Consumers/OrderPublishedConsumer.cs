using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Bidding.Consumers;

public sealed class OrderPublishedConsumer(NpgsqlDataSource db) : IConsumer<OrderPublished>
{
    public Task Consume(ConsumeContext<OrderPublished> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderPublishedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            await connection.ExecuteAsync("""
                INSERT INTO open_orders (order_id, enterprise_org_id, title, mode, task_type, budget, currency, deadline, published_at)
                VALUES (@OrderId, @EnterpriseOrgId, @Title, @Mode, @TaskType, @Budget, @Currency, @deadline, @publishedAt)
                ON CONFLICT (order_id) DO UPDATE SET published_at = EXCLUDED.published_at
                """, new
            {
                order.OrderId, order.EnterpriseOrgId, order.Title, order.Mode, order.TaskType, order.Budget, order.Currency,
                deadline = order.Deadline.ToUniversalTime(), publishedAt = order.OccurredAt.ToUniversalTime(),
            }, tx);
        });
    }
}
