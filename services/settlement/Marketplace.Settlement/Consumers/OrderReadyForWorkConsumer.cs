using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Work starts on the order (crowd split, or a bid order's award): its reserved budget moves into escrow.</summary>
public sealed class OrderReadyForWorkConsumer(NpgsqlDataSource db, TimeProvider clock, ILogger<OrderReadyForWorkConsumer> logger)
    : IConsumer<OrderReadyForWork>
{
    public Task Consume(ConsumeContext<OrderReadyForWork> context) =>
        db.ApplyOnceAsync(context, nameof(OrderReadyForWorkConsumer), async tx =>
        {
            var retaken = await EscrowFunding.PostAsync(tx, context.Message.OrderId, context.Message.Currency, clock.GetUtcNow());
            // The reservation expired before work started, and the wallet has since spent the money: the order's work
            // has no escrow behind it. Its approvals cannot be booked (they wait in the error queue, and reconciliation
            // names the order) until the enterprise deposits and an operator replays them.
            if (retaken?.Outcome == EscrowFunding.Outcome.WalletShort)
                logger.LogError("Order {OrderId} started work after its escrow reservation expired, and the wallet holds only {Available} {Currency}",
                    context.Message.OrderId, retaken.Available, context.Message.Currency);
        });
}
