using Dapper;
using Npgsql;

namespace Marketplace.Settlement.Domain;

/// <summary>
/// Moves money for an order from the enterprise's wallet into the order's escrow, once per business key: the budget on
/// publish, a rework round's price on rework. The budget is first only reserved (a pending transfer: out of the wallet's
/// available money, not yet in escrow) and posted when work starts, or voided when the order is cancelled first or the
/// reservation times out; a rework round's price is booked at once (work has started by then). Nothing goes into the
/// escrow of an order already closed, and nothing moves when the wallet cannot cover the amount.
/// </summary>
public static class EscrowFunding
{
    public enum Outcome { Funded, AlreadyFunded, OrderClosed, WalletShort }

    /// <param name="TransactionId">The ledger transaction, or for a reservation the pending transfer's id.</param>
    public sealed record Result(Outcome Outcome, decimal Available, Guid? TransactionId);

    /// <param name="reserveUntil">When set, the money is reserved until then (pending) instead of booked now.</param>
    public static async Task<Result> FundAsync(NpgsqlTransaction tx, string businessKey, Guid orderId, Guid enterpriseOrgId,
        decimal amount, string currency, DateTimeOffset now, DateTimeOffset? reserveUntil = null)
    {
        var connection = tx.Connection!;
        // Lock the escrow first: a cancellation being applied at the same moment either sees this money (and refunds it)
        // or has closed the order before we look (and we move nothing).
        var escrow = AccountRef.Escrow(orderId, currency);
        await Ledger.LockBalanceAsync(tx, escrow);
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM order_closures WHERE order_id = @orderId)", new { orderId }, tx))
            return new Result(Outcome.OrderClosed, 0, null);
        if (await connection.ExecuteScalarAsync<bool>("""
                SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE business_key = @businessKey)
                    OR EXISTS (SELECT 1 FROM pending_transfers WHERE business_key = @businessKey AND status IN ('pending', 'posted'))
                """, new { businessKey }, tx))
            return new Result(Outcome.AlreadyFunded, 0, null);

        var wallet = AccountRef.Wallet(enterpriseOrgId, currency);
        var available = await Ledger.LockAvailableAsync(tx, wallet);
        if (available < amount) return new Result(Outcome.WalletShort, available, null);
        if (reserveUntil is null)
        {
            var transactionId = await Ledger.BookAsync(tx, new LedgerEntry(businessKey, "escrow", orderId, now, LedgerEntry.Transfer(wallet, escrow, amount)));
            return new Result(Outcome.Funded, available, transactionId);
        }

        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO pending_transfers (id, business_key, order_id, enterprise_org_id, debit_account_id, credit_account_id,
                                           amount, currency, expires_at)
            VALUES (@id, @businessKey, @orderId, @enterpriseOrgId, (SELECT id FROM accounts WHERE code = @walletCode),
                    (SELECT id FROM accounts WHERE code = @escrowCode), @amount, @currency, @expiresAt);
            UPDATE accounts SET pending = pending + @amount WHERE code = @walletCode;
            """, new
        {
            id, businessKey, orderId, enterpriseOrgId, walletCode = wallet.Code, escrowCode = escrow.Code, amount, currency,
            expiresAt = reserveUntil.Value.ToUniversalTime(),
        }, tx);
        return new Result(Outcome.Funded, available, id);
    }

    /// <summary>
    /// Work started on the order: its reserved budget moves into escrow (booked under the reservation's business key).
    /// A no-op when nothing is reserved (posted already, voided, or a budget booked before reservations existed).
    /// A reservation that expired while the work was being prepared (the expiry and the start crossed) is taken again
    /// from the wallet, booked at once under the same key, when the wallet still covers it.
    /// </summary>
    /// <returns>What taking an expired reservation again did (null when there was none): WalletShort leaves the order's
    /// escrow empty, and the caller says so.</returns>
    public static async Task<Result?> PostAsync(NpgsqlTransaction tx, Guid orderId, string currency, DateTimeOffset now)
    {
        await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(orderId, currency));
        var reserved = await FindReservationAsync(tx, orderId);
        if (reserved is null)
        {
            var expired = await tx.Connection!.QuerySingleOrDefaultAsync<Reservation>("""
                SELECT id, business_key, order_id, enterprise_org_id, amount, currency, expires_at FROM pending_transfers
                WHERE order_id = @orderId AND status = 'expired'
                ORDER BY created_at DESC LIMIT 1
                """, new { orderId }, tx);
            return expired is null ? null
                : await FundAsync(tx, expired.BusinessKey, orderId, expired.EnterpriseOrgId, expired.Amount, expired.Currency, now);
        }
        var wallet = AccountRef.Wallet(reserved.EnterpriseOrgId, reserved.Currency);
        await tx.Connection!.ExecuteAsync("UPDATE accounts SET pending = pending - @Amount WHERE code = @Code",
            new { reserved.Amount, wallet.Code }, tx);
        var transactionId = await Ledger.BookAsync(tx, new LedgerEntry(reserved.BusinessKey, "escrow", orderId, now,
            LedgerEntry.Transfer(wallet, AccountRef.Escrow(orderId, reserved.Currency), reserved.Amount)));
        await tx.Connection!.ExecuteAsync("""
            UPDATE pending_transfers SET status = 'posted', resolved_at = @now, ledger_transaction_id = @transactionId WHERE id = @Id
            """, new { reserved.Id, now = now.ToUniversalTime(), transactionId }, tx);
        return null;
    }

    /// <summary>
    /// Lets the order's reservation go (the order closed before work started, or the reservation timed out): the money
    /// is available in the wallet again and nothing is booked. The caller holds the escrow's lock.
    /// </summary>
    /// <returns>The amount released, or null when nothing was reserved.</returns>
    public static async Task<Reservation?> VoidAsync(NpgsqlTransaction tx, Guid orderId, string status, DateTimeOffset now,
        bool onlyIfExpired = false)
    {
        var reserved = await FindReservationAsync(tx, orderId);
        if (reserved is null || (onlyIfExpired && reserved.ExpiresAt > now.UtcDateTime)) return null;
        await tx.Connection!.ExecuteAsync("""
            UPDATE accounts SET pending = pending - @Amount WHERE code = @walletCode;
            UPDATE pending_transfers SET status = @status, resolved_at = @now WHERE id = @Id;
            """, new
        {
            reserved.Amount, reserved.Id, status, now = now.ToUniversalTime(),
            walletCode = AccountRef.Wallet(reserved.EnterpriseOrgId, reserved.Currency).Code,
        }, tx);
        return reserved;
    }

    private static Task<Reservation?> FindReservationAsync(NpgsqlTransaction tx, Guid orderId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Reservation>("""
            SELECT id, business_key, order_id, enterprise_org_id, amount, currency, expires_at FROM pending_transfers
            WHERE order_id = @orderId AND status = 'pending'
            FOR UPDATE
            """, new { orderId }, tx);

    public sealed record Reservation(Guid Id, string BusinessKey, Guid OrderId, Guid EnterpriseOrgId, decimal Amount, string Currency,
        DateTime ExpiresAt);
}
