using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// The operator's view of a period: money in, escrow held at the period's end, platform fees earned, paid to workers,
/// what is still owed to workers, and whether the ledger balances (every transaction and the whole ledger sum to zero).
/// </summary>
public static class PeriodReport
{
    public sealed record Response(
        DateTimeOffset From, DateTimeOffset To, string Currency,
        decimal MoneyIn, decimal EscrowHeld, decimal PlatformFees, decimal PaidToWorkers, decimal WorkerPayables,
        long Transactions, bool Balanced, long UnbalancedTransactions, decimal LedgerTotal);

    public static RouteGroupBuilder MapPeriodReport(this RouteGroupBuilder group)
    {
        group.MapGet("/period", Handle).RequireAuthorization(Roles.Operator);
        return group;
    }

    private static async Task<IResult> Handle(DateTimeOffset? from, DateTimeOffset? to, string? currency, NpgsqlDataSource db)
    {
        if (from is null) return Problems.BadRequest("from", "'from' is required (ISO 8601 date-time).");
        if (to is null) return Problems.BadRequest("to", "'to' is required (ISO 8601 date-time).");
        if (to <= from) return Problems.BadRequest("to", "'to' must be after 'from'.");
        currency ??= "CNY";
        if (currency != "CNY") return Problems.BadRequest("currency", "'currency' must be CNY.");

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        const string sql = """
            WITH p AS (
                SELECT t.kind AS tx_kind, t.occurred_at, a.kind AS account_kind, p.amount
                FROM postings p
                JOIN ledger_transactions t ON t.id = p.transaction_id
                JOIN accounts a ON a.id = p.account_id
                WHERE p.currency = @currency AND t.occurred_at < @to
            )
            SELECT
              coalesce(sum(amount) FILTER (WHERE tx_kind = 'deposit' AND account_kind = 'bank' AND occurred_at >= @from), 0) AS money_in,
              coalesce(-sum(amount) FILTER (WHERE account_kind = 'escrow'), 0) AS escrow_held,
              coalesce(-sum(amount) FILTER (WHERE account_kind = 'platform_fee' AND occurred_at >= @from), 0) AS platform_fees,
              coalesce(-sum(amount) FILTER (WHERE tx_kind = 'payout' AND account_kind = 'bank' AND occurred_at >= @from), 0) AS paid_to_workers,
              coalesce(-sum(amount) FILTER (WHERE account_kind = 'worker_payable'), 0) AS worker_payables,
              (SELECT count(*) FROM ledger_transactions WHERE occurred_at >= @from AND occurred_at < @to) AS transactions,
              (SELECT count(*) FROM (SELECT transaction_id FROM postings GROUP BY transaction_id HAVING sum(amount) <> 0) u) AS unbalanced,
              (SELECT coalesce(sum(amount), 0) FROM postings WHERE currency = @currency) AS ledger_total
            FROM p
            """;
        var r = await connection.QuerySingleAsync<Row>(sql, new { from = from.Value.ToUniversalTime(), to = to.Value.ToUniversalTime(), currency }, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(new Response(from.Value, to.Value, currency, r.MoneyIn, r.EscrowHeld, r.PlatformFees,
            r.PaidToWorkers, r.WorkerPayables, r.Transactions, r.Unbalanced == 0 && r.LedgerTotal == 0, r.Unbalanced, r.LedgerTotal));
    }

    private sealed record Row(decimal MoneyIn, decimal EscrowHeld, decimal PlatformFees, decimal PaidToWorkers,
        decimal WorkerPayables, long Transactions, long Unbalanced, decimal LedgerTotal);
}
