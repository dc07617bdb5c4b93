using Dapper;
using MassTransit;
using Marketplace.Contracts.Payouts;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>
/// A held earning was reversed: the transaction that created it is undone by a reversing transaction (key
/// reversal:&lt;original key&gt;). An approval's reward and fee go back to the order's escrow, or to the enterprise's wallet
/// once the order's escrow has been settled (refunded or released); a bonus goes back to the wallet it came from.
/// </summary>
public sealed class EarningReversedConsumer(NpgsqlDataSource db) : IConsumer<EarningReversed>
{
    public Task Consume(ConsumeContext<EarningReversed> context)
    {
        var reversal = context.Message;
        return db.ApplyOnceAsync(context, nameof(EarningReversedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var escrow = AccountRef.Escrow(reversal.OrderId, reversal.Currency);
            // The escrow's lock orders this against the order's refund or release.
            await Ledger.LockBalanceAsync(tx, escrow);
            var original = reversal.Kind == "bonus"
                ? await connection.QuerySingleOrDefaultAsync<Original>(
                    "SELECT id, business_key FROM ledger_transactions WHERE id = @BonusId AND kind = 'bonus'", new { reversal.BonusId }, tx)
                : await connection.QuerySingleOrDefaultAsync<Original>(
                    "SELECT id, business_key FROM ledger_transactions WHERE business_key = @key",
                    new { key = $"approval:{reversal.AssignmentId}" }, tx);
            // Settlement has not booked the earning yet (its message is still on the way): retry until it has.
            if (original is null) throw new InvalidOperationException($"Earning {reversal.EarningId} has no booked transaction yet");

            var legs = (await connection.QueryAsync<(string Code, string Kind, Guid? OwnerId, string Currency, decimal Amount)>("""
                SELECT a.code, a.kind, a.owner_id, a.currency, p.amount FROM postings p JOIN accounts a ON a.id = p.account_id
                WHERE p.transaction_id = @Id
                """, new { original.Id }, tx)).ToList();
            var settled = await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM order_closures WHERE order_id = @OrderId AND settled_at IS NOT NULL)", new { reversal.OrderId }, tx);
            var enterpriseOrgId = await connection.ExecuteScalarAsync<Guid?>(
                "SELECT enterprise_org_id FROM order_terms WHERE order_id = @OrderId", new { reversal.OrderId }, tx);

            var postings = new List<Posting>();
            foreach (var leg in legs)
            {
                var account = Account(leg.Kind, leg.OwnerId, leg.Currency);
                // Money that came out of a closed order's escrow goes to the wallet instead: the escrow is done.
                if (account.Kind == AccountKind.Escrow && settled && enterpriseOrgId is { } org)
                    account = AccountRef.Wallet(org, leg.Currency);
                postings.Add(new Posting(account, -leg.Amount));
            }
            await Ledger.BookAsync(tx, new LedgerEntry($"reversal:{original.BusinessKey}", "reversal", reversal.OrderId, reversal.OccurredAt, postings));
        });
    }

    private static AccountRef Account(string kind, Guid? ownerId, string currency) => kind switch
    {
        "wallet" => AccountRef.Wallet(ownerId!.Value, currency),
        "escrow" => AccountRef.Escrow(ownerId!.Value, currency),
        "worker_payable" => AccountRef.WorkerPayable(ownerId!.Value, currency),
        "platform_fee" => AccountRef.PlatformFees(currency),
        "bank" => AccountRef.Bank(currency),
        _ => throw new InvalidOperationException($"Unknown account kind {kind}"),
    };

    private sealed record Original(Guid Id, string BusinessKey);
}
