using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Moves a published order's budget from the enterprise wallet into the order's escrow, or says why it cannot.</summary>
public sealed class OrderPublishedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderPublished>
{
    public Task Consume(ConsumeContext<OrderPublished> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderPublishedConsumer), async tx =>
        {
            var now = clock.GetUtcNow();
            // Publishing again after a failed funding uses a new message, but the escrow key is per order and attempt-proof.
            var funding = await EscrowFunding.FundAsync(tx, $"escrow:{order.OrderId}", order.OrderId, order.EnterpriseOrgId,
                order.Budget, order.Currency, now);
            if (funding.Outcome == EscrowFunding.Outcome.WalletShort)
            {
                await outbox.AddAsync(tx, new OrderFundingFailed(order.OrderId, order.EnterpriseOrgId,
                    $"The wallet holds {funding.Available:0.00} {order.Currency}; the order's budget is {order.Budget:0.00##} {order.Currency}.",
                    order.Budget, funding.Available, order.Currency, now));
            }
            else if (funding.Outcome == EscrowFunding.Outcome.Funded)
            {
                await outbox.AddAsync(tx, new OrderFunded(order.OrderId, order.EnterpriseOrgId, order.Budget, order.Currency, funding.TransactionId!.Value, now));
            }
        });
    }
}
