using MassTransit;
using Marketplace.Contracts.Payouts;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Money left the platform to a worker: their payable is settled against the bank.</summary>
public sealed class PayoutSentConsumer(NpgsqlDataSource db) : IConsumer<PayoutSent>
{
    public Task Consume(ConsumeContext<PayoutSent> context)
    {
        var payout = context.Message;
        return db.ApplyOnceAsync(context, nameof(PayoutSentConsumer), async tx =>
        {
            await Ledger.BookAsync(tx, new LedgerEntry(
                $"payout:{payout.PayoutId}", "payout", null, payout.OccurredAt,
                LedgerEntry.Transfer(AccountRef.WorkerPayable(payout.WorkerId, payout.Currency), AccountRef.Bank(payout.Currency), payout.Amount)));
        });
    }
}
