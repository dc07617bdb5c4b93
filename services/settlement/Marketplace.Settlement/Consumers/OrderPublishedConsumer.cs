using Dapper;
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
            await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(order.OrderId, order.Currency));
            var cancelled = await tx.Connection!.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM order_closures WHERE order_id = @OrderId)", new { order.OrderId }, tx);
            if (cancelled) return; // cancelled before its budget was escrowed: nothing to hold

            var wallet = AccountRef.Wallet(order.EnterpriseOrgId, order.Currency);
            var available = -await Ledger.LockBalanceAsync(tx, wallet);
            var now = clock.GetUtcNow();
            if (available < order.Budget)
            {
                await outbox.AddAsync(tx, new OrderFundingFailed(order.OrderId, order.EnterpriseOrgId,
                    $"The wallet holds {available:0.00} {order.Currency}; the order's budget is {order.Budget:0.00##} {order.Currency}.",
                    order.Budget, available, order.Currency, now));
            }
            else
            {
                // Publishing again after a failed funding uses a new message, but the escrow key is per order and attempt-proof.
                var transactionId = await Ledger.BookAsync(tx, new LedgerEntry(
                    $"escrow:{order.OrderId}", "escrow", order.OrderId, now,
                    LedgerEntry.Transfer(wallet, AccountRef.Escrow(order.OrderId, order.Currency), order.Budget)));
                if (transactionId is not null)
                {
                    await outbox.AddAsync(tx, new OrderFunded(order.OrderId, order.EnterpriseOrgId, order.Budget, order.Currency, transactionId.Value, now));
                }
            }
        });
    }
}
