using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Moves the price of a rework round from the enterprise's wallet into the order's escrow, or says why it cannot.</summary>
public sealed class OrderReworkRequestedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderReworkRequested>
{
    public Task Consume(ConsumeContext<OrderReworkRequested> context)
    {
        var rework = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderReworkRequestedConsumer), async tx =>
        {
            var escrow = AccountRef.Escrow(rework.OrderId, rework.Currency);
            await Ledger.LockBalanceAsync(tx, escrow);
            var closed = await tx.Connection!.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM order_closures WHERE order_id = @OrderId)", new { rework.OrderId }, tx);
            if (closed) return; // cancelled meanwhile: nothing more goes into its escrow

            var now = clock.GetUtcNow();
            var businessKey = $"rework:{rework.OrderId}:{rework.Round}";
            var alreadyFunded = await tx.Connection!.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE business_key = @businessKey)", new { businessKey }, tx);
            var wallet = AccountRef.Wallet(rework.EnterpriseOrgId, rework.Currency);
            var available = -await Ledger.LockBalanceAsync(tx, wallet);
            if (!alreadyFunded && available < rework.Amount)
            {
                await outbox.AddAsync(tx, new OrderReworkFundingFailed(rework.OrderId, rework.Round,
                    $"The wallet holds {available:0.00} {rework.Currency}; reworking {rework.Items} items costs {rework.Amount:0.00##} {rework.Currency}.",
                    rework.Amount, available, rework.Currency, now));
                return;
            }
            if (!alreadyFunded)
            {
                await Ledger.BookAsync(tx, new LedgerEntry(businessKey, "escrow", rework.OrderId, now,
                    LedgerEntry.Transfer(wallet, escrow, rework.Amount)));
            }
            await outbox.AddAsync(tx, new OrderReworkFunded(rework.OrderId, rework.Round, rework.Amount, rework.Currency, now));
        });
    }
}
