using Dapper;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Settlement.Domain;

/// <summary>
/// Closes an order's escrow exactly once, returning what is left to the enterprise's wallet: a refund when the order was
/// cancelled, a release when it was accepted. It waits until nothing more can be paid from the escrow: at once if the
/// crowd never had the work, else when the booked approvals reach the final count tasks reported. Called whenever one
/// of those facts arrives, in whatever order they come.
/// </summary>
public static class Refunds
{
    /// <summary>
    /// Records that the order is closed (cancelled or accepted; the first closure wins) and returns its escrow if nothing
    /// more can be paid from it. The escrow is locked first: an escrowing step applied at the same moment either moved
    /// its money before (and it is returned) or sees the closure after (and moves nothing).
    /// </summary>
    public static async Task CloseAsync(NpgsqlTransaction tx, Outbox outbox, Guid orderId, Guid enterpriseOrgId, string currency,
        string reason, bool workStarted, int? expectedApprovals, DateTimeOffset closedAt, DateTimeOffset now)
    {
        await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(orderId, currency));
        await tx.Connection!.ExecuteAsync("""
            INSERT INTO order_closures (order_id, enterprise_org_id, currency, work_started, expected_approvals, reason, closed_at)
            VALUES (@orderId, @enterpriseOrgId, @currency, @workStarted, @expectedApprovals, @reason, @closedAt)
            ON CONFLICT (order_id) DO NOTHING
            """, new { orderId, enterpriseOrgId, currency, workStarted, expectedApprovals, reason, closedAt = closedAt.ToUniversalTime() }, tx);
        await TryRefundAsync(tx, outbox, orderId, now);
    }

    public static async Task TryRefundAsync(NpgsqlTransaction tx, Outbox outbox, Guid orderId, DateTimeOffset now)
    {
        var connection = tx.Connection!;
        var closure = await connection.QuerySingleOrDefaultAsync<Closure>("""
            SELECT order_id, enterprise_org_id, currency, work_started, expected_approvals, reason, settled_at
            FROM order_closures WHERE order_id = @orderId FOR UPDATE
            """, new { orderId }, tx);
        if (closure is null || closure.SettledAt is not null) return;
        if (closure.WorkStarted)
        {
            if (closure.ExpectedApprovals is null) return;
            var booked = await connection.ExecuteScalarAsync<int>("""
                SELECT count(*) FROM ledger_transactions WHERE order_id = @orderId AND kind = 'approval'
                """, new { orderId }, tx);
            if (booked < closure.ExpectedApprovals) return;
        }

        var accepted = closure.Reason == "accepted";
        var disputed = closure.Reason == "dispute";
        var escrow = AccountRef.Escrow(orderId, closure.Currency);
        await Ledger.LockBalanceAsync(tx, escrow);
        // A budget still only reserved (work never started) is let go: it never reached the escrow.
        var voided = await EscrowFunding.VoidAsync(tx, orderId, "voided", now);
        // A contract shares its price (penalty, fee, vendors); a crowd order's fees came per approval, topped up to its minimum.
        if (accepted && !await ContractSettlement.BookAsync(tx, outbox, orderId, now))
            await MinimumFee.TopUpAsync(tx, orderId, closure.Currency, now);
        var released = accepted;
        if (disputed)
        {
            await ContractSettlement.BookAsync(tx, outbox, orderId, now);
            // A dispute released in full is paid as if accepted; after a partial release or a refund the rest is refunded.
            released = await connection.ExecuteScalarAsync<string?>(
                "SELECT dispute_outcome FROM contracts WHERE order_id = @orderId", new { orderId }, tx) == "release";
        }
        var remaining = -await Ledger.LockBalanceAsync(tx, escrow);
        if (remaining > 0)
        {
            var kind = released ? "release" : "refund";
            await Ledger.BookAsync(tx, new LedgerEntry($"{kind}:{orderId}", kind, orderId, now,
                LedgerEntry.Transfer(escrow, AccountRef.Wallet(closure.EnterpriseOrgId, closure.Currency), remaining)));
        }
        await connection.ExecuteAsync("UPDATE order_closures SET settled_at = now() WHERE order_id = @orderId", new { orderId }, tx);
        var returned = remaining + (voided?.Amount ?? 0);
        if (released) await outbox.AddAsync(tx, new OrderEscrowReleased(orderId, closure.EnterpriseOrgId, returned, closure.Currency, now));
        else await outbox.AddAsync(tx, new OrderRefunded(orderId, closure.EnterpriseOrgId, returned, closure.Currency, now));
    }

    private sealed record Closure(Guid OrderId, Guid EnterpriseOrgId, string Currency, bool WorkStarted, int? ExpectedApprovals,
        string Reason, DateTime? SettledAt);
}
