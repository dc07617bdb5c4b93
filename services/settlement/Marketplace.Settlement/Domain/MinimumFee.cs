using Dapper;
using Npgsql;

namespace Marketplace.Settlement.Domain;

/// <summary>
/// An order states a minimum platform fee. The percent is charged on each approval; when the order is accepted and the
/// fees booked for it fall short of its minimum, the difference is charged from its escrow before the release (the
/// budget reserved for it includes that top-up). A cancelled order pays only the percent on approved work.
/// </summary>
public static class MinimumFee
{
    /// <summary>What is still owed to reach the minimum: never negative.</summary>
    public static decimal Shortfall(decimal minimumFee, decimal feesBooked) => Math.Max(0m, minimumFee - feesBooked);

    /// <summary>Books the top-up (kind 'fee', key fee-minimum:&lt;order&gt;) in the caller's transaction; the escrow is locked.</summary>
    public static async Task TopUpAsync(NpgsqlTransaction tx, Guid orderId, string currency, DateTimeOffset now)
    {
        var connection = tx.Connection!;
        var minimum = await connection.ExecuteScalarAsync<decimal?>(
            "SELECT minimum_fee FROM order_terms WHERE order_id = @orderId", new { orderId }, tx) ?? 0m;
        if (minimum <= 0) return;
        var fees = AccountRef.PlatformFees(currency);
        // Fees booked for the order: what its transactions credited to the platform (reversals give theirs back).
        var booked = await connection.ExecuteScalarAsync<decimal>("""
            SELECT coalesce(-sum(p.amount), 0) FROM ledger_transactions t
            JOIN postings p ON p.transaction_id = t.id
            JOIN accounts a ON a.id = p.account_id
            WHERE t.order_id = @orderId AND a.code = @Code
            """, new { orderId, fees.Code }, tx);
        var escrow = AccountRef.Escrow(orderId, currency);
        var inEscrow = -await Ledger.LockBalanceAsync(tx, escrow);
        var topUp = Math.Min(Shortfall(minimum, booked), inEscrow);
        if (topUp <= 0) return;
        await Ledger.BookAsync(tx, new LedgerEntry($"fee-minimum:{orderId}", "fee", orderId, now, LedgerEntry.Transfer(escrow, fees, topUp)));
    }
}
