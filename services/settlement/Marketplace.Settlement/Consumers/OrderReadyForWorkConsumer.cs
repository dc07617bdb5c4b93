using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Work starts on the order (crowd split, or a bid order's award): its reserved budget moves into escrow.</summary>
public sealed class OrderReadyForWorkConsumer(NpgsqlDataSource db, TimeProvider clock) : IConsumer<OrderReadyForWork>
{
    public Task Consume(ConsumeContext<OrderReadyForWork> context) =>
        db.ApplyOnceAsync(context, nameof(OrderReadyForWorkConsumer), tx =>
            EscrowFunding.PostAsync(tx, context.Message.OrderId, context.Message.Currency, clock.GetUtcNow()));
}
