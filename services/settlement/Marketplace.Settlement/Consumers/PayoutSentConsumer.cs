using MassTransit;
using Marketplace.Contracts.Payouts;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Money left the platform to a worker: their payable is settled against the bank.</summary>
public sealed class PayoutSentConsumer(NpgsqlDataSource db) : IConsumer<PayoutSent>
{
    public async Task Consume(ConsumeContext<PayoutSent> context)
    {
        var payout = context.Message;
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(context.CancellationToken);
        if (!await Inbox.TryRecordAsync(tx, context.MessageId, nameof(PayoutSentConsumer)))
        {
            await tx.CommitAsync();
            return;
        }
        await Ledger.BookAsync(tx, new LedgerEntry(
            $"payout:{payout.PayoutId}", "payout", null, payout.OccurredAt,
            LedgerEntry.Transfer(AccountRef.WorkerPayable(payout.WorkerId, payout.Currency), AccountRef.Bank(payout.Currency), payout.Amount)));
        await tx.CommitAsync(context.CancellationToken);
    }
}
