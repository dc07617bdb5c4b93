using Dapper;
using Npgsql;

namespace Marketplace.Settlement.Domain;

/// <summary>
/// Moves money for an order from the enterprise's wallet into the order's escrow, once per business key: the budget on
/// publish, a rework round's price on rework. Nothing goes into the escrow of an order already closed (cancelled or
/// accepted), and nothing moves when the wallet cannot cover the amount.
/// </summary>
public static class EscrowFunding
{
    public enum Outcome { Funded, AlreadyFunded, OrderClosed, WalletShort }

    public sealed record Result(Outcome Outcome, decimal Available, Guid? TransactionId);

    public static async Task<Result> FundAsync(NpgsqlTransaction tx, string businessKey, Guid orderId, Guid enterpriseOrgId,
        decimal amount, string currency, DateTimeOffset now)
    {
        var connection = tx.Connection!;
        // Lock the escrow first: a cancellation being applied at the same moment either sees this money (and refunds it)
        // or has closed the order before we look (and we move nothing).
        var escrow = AccountRef.Escrow(orderId, currency);
        await Ledger.LockBalanceAsync(tx, escrow);
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM order_closures WHERE order_id = @orderId)", new { orderId }, tx))
            return new Result(Outcome.OrderClosed, 0, null);
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE business_key = @businessKey)", new { businessKey }, tx))
            return new Result(Outcome.AlreadyFunded, 0, null);

        var wallet = AccountRef.Wallet(enterpriseOrgId, currency);
        var available = -await Ledger.LockBalanceAsync(tx, wallet);
        if (available < amount) return new Result(Outcome.WalletShort, available, null);
        var transactionId = await Ledger.BookAsync(tx, new LedgerEntry(businessKey, "escrow", orderId, now, LedgerEntry.Transfer(wallet, escrow, amount)));
        return new Result(Outcome.Funded, available, transactionId);
    }
}
