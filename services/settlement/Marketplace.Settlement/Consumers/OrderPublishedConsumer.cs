using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Reserves a published order's budget in the enterprise wallet for its escrow, or says why it cannot.</summary>
public sealed class OrderPublishedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock, IOptions<SettlementOptions> options)
    : IConsumer<OrderPublished>
{
    public Task Consume(ConsumeContext<OrderPublished> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderPublishedConsumer), async tx =>
        {
            var now = clock.GetUtcNow();
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO order_terms (order_id, enterprise_org_id, fee_percent, minimum_fee, currency, published_at)
                VALUES (@OrderId, @EnterpriseOrgId, @FeePercent, @MinimumFee, @Currency, @publishedAt)
                ON CONFLICT (order_id) DO NOTHING
                """, new { order.OrderId, order.EnterpriseOrgId, order.FeePercent, order.MinimumFee, order.Currency, publishedAt = order.OccurredAt.ToUniversalTime() }, tx);
            // Publishing again after a failed funding uses a new message, but the escrow key is per order and attempt-proof.
            // The budget is only reserved now; it moves into escrow when work starts.
            // A crowd order starts work within minutes; a tender runs its call for bids and the award first, so its
            // reservation lasts until the order's deadline (and at least the usual timeout).
            var reserveUntil = now + options.Value.PendingEscrowTimeout;
            if (order.Mode == "bid" && order.Deadline > reserveUntil) reserveUntil = order.Deadline;
            var funding = await EscrowFunding.FundAsync(tx, $"escrow:{order.OrderId}", order.OrderId, order.EnterpriseOrgId,
                order.Budget, order.Currency, now, reserveUntil: reserveUntil);
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
