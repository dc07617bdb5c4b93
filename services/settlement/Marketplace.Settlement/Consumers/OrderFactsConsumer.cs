using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>
/// Remembers what reports need to know about an order (its enterprise, industry, task type, items and bytes of data).
/// Its own consumer (and queue) beside the escrowing one, so reporting never holds up funding.
/// </summary>
public sealed class OrderFactsConsumer(NpgsqlDataSource db) : IConsumer<OrderPublished>
{
    public Task Consume(ConsumeContext<OrderPublished> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderFactsConsumer), async tx =>
        {
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO order_facts (order_id, enterprise_org_id, industry, task_type, mode, currency, budget, item_count, data_bytes, published_at)
                VALUES (@OrderId, @EnterpriseOrgId, @Industry, @TaskType, @Mode, @Currency, @Budget, @ItemCount, @DataBytes, @publishedAt)
                ON CONFLICT (order_id) DO NOTHING
                """, new
            {
                order.OrderId, order.EnterpriseOrgId, order.Industry, order.TaskType, order.Mode, order.Currency, order.Budget,
                ItemCount = Math.Max(0, order.ItemCount), DataBytes = Math.Max(0, order.DataBytes),
                publishedAt = order.OccurredAt.ToUniversalTime(),
            }, tx);
        });
    }
}
