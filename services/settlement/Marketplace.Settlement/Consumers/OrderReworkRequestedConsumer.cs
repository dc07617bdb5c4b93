using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>
/// Moves the price of a rework round from the enterprise's wallet into the order's escrow, or says why it cannot. A
/// contracted order's rework costs the enterprise nothing (Amount 0: its vendor redoes the items at its own cost), so
/// nothing moves and nobody waits for an answer.
/// </summary>
public sealed class OrderReworkRequestedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderReworkRequested>
{
    public Task Consume(ConsumeContext<OrderReworkRequested> context)
    {
        var rework = context.Message;
        if (rework.Amount == 0m) return Task.CompletedTask;
        return db.ApplyOnceAsync(context, nameof(OrderReworkRequestedConsumer), async tx =>
        {
            var now = clock.GetUtcNow();
            var funding = await EscrowFunding.FundAsync(tx, $"rework:{rework.OrderId}:{rework.Round}", rework.OrderId, rework.EnterpriseOrgId,
                rework.Amount, rework.Currency, now);
            switch (funding.Outcome)
            {
                case EscrowFunding.Outcome.OrderClosed:
                    return; // cancelled meanwhile: nothing more goes into its escrow
                case EscrowFunding.Outcome.WalletShort:
                    await outbox.AddAsync(tx, new OrderReworkFundingFailed(rework.OrderId, rework.Round,
                        $"The wallet holds {funding.Available:0.00} {rework.Currency}; reworking {rework.Items} items costs {rework.Amount:0.00##} {rework.Currency}.",
                        rework.Amount, funding.Available, rework.Currency, now));
                    return;
                default: // funded now, or by an earlier request for this round
                    await outbox.AddAsync(tx, new OrderReworkFunded(rework.OrderId, rework.Round, rework.Amount, rework.Currency, now));
                    return;
            }
        });
    }
}
