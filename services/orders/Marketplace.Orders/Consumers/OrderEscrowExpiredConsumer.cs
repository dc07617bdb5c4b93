using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>
/// The order's reserved budget timed out before work started: it is no longer funded. The enterprise sees
/// funding_failed with the reason "escrow expired" and may publish again.
/// </summary>
public sealed class OrderEscrowExpiredConsumer(NpgsqlDataSource db) : IConsumer<OrderEscrowExpired>
{
    public const string Reason = "escrow expired";

    public Task Consume(ConsumeContext<OrderEscrowExpired> context)
    {
        var orderId = context.Message.OrderId;
        return db.ApplyOnceAsync(context, nameof(OrderEscrowExpiredConsumer), async tx =>
        {
            // A bid order waits for work in published or awarded (a crowd order is posted as soon as its work is prepared).
            foreach (var from in new[] { OrderStatus.Published, OrderStatus.Awarded })
                if (await OrderTransitions.MoveAsync(tx, orderId, from, OrderStatus.FundingFailed, Reason)) return;
        });
    }
}
