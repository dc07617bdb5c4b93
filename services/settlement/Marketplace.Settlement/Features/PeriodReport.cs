using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Reports;
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
        group.MapGet("/period", Handle).RequireAuthorization(Roles.Operator).Produces<Response>();
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
        var response = await ComputeAsync(connection, tx, from.Value, to.Value, currency);
        await tx.CommitAsync();
        return TypedResults.Ok(response);
    }

    /// <summary>
    /// Reads only the period's postings (by reported_at) and, for balances at the end, the smaller side of the ledger
    /// (<see cref="BalancesAt"/>), so the report does not scan the whole ledger. "Balanced" checks the period's
    /// transactions and that all balances sum to zero; reconciliation checks every transaction and balance in full.
    /// </summary>
    public static async Task<Response> ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset to,
        string currency, int commandTimeoutSeconds = 600)
    {
        var balancesAtEnd = await BalancesAt.SqlAsync(connection, tx, to);
        var sql = $"""
            WITH period AS (
                SELECT p.transaction_id, p.tx_kind, a.kind AS account_kind, p.amount
                FROM postings p
                JOIN accounts a ON a.id = p.account_id
                WHERE p.reported_at >= @from AND p.reported_at < @to AND p.currency = @currency
            ), at_end AS ({balancesAtEnd})
            SELECT
              (SELECT coalesce(sum(amount) FILTER (WHERE tx_kind = 'deposit' AND account_kind = 'bank'), 0) FROM period) AS money_in,
              (SELECT coalesce(-sum(balance) FILTER (WHERE kind = 'escrow'), 0) FROM at_end) AS escrow_held,
              (SELECT coalesce(-sum(amount) FILTER (WHERE account_kind = 'platform_fee'), 0) FROM period) AS platform_fees,
              (SELECT coalesce(-sum(amount) FILTER (WHERE tx_kind = 'payout' AND account_kind = 'bank'), 0) FROM period) AS paid_to_workers,
              (SELECT coalesce(-sum(balance) FILTER (WHERE kind = 'worker_payable'), 0) FROM at_end) AS worker_payables,
              (SELECT count(*) FROM ledger_transactions WHERE reported_at >= @from AND reported_at < @to) AS transactions,
              (SELECT count(*) FROM (SELECT transaction_id FROM period GROUP BY transaction_id HAVING sum(amount) <> 0) u) AS unbalanced,
              (SELECT coalesce(sum(balance), 0) FROM accounts WHERE currency = @currency) AS ledger_total
            """;
        var r = await connection.QuerySingleAsync<Row>(sql, new { from = from.UtcDateTime, to = to.UtcDateTime, currency }, tx, commandTimeoutSeconds);
        return new Response(from, to, currency, r.MoneyIn, r.EscrowHeld, r.PlatformFees,
            r.PaidToWorkers, r.WorkerPayables, r.Transactions, r.Unbalanced == 0 && r.LedgerTotal == 0, r.Unbalanced, r.LedgerTotal);
    }

    private sealed record Row(decimal MoneyIn, decimal EscrowHeld, decimal PlatformFees, decimal PaidToWorkers,
        decimal WorkerPayables, long Transactions, long Unbalanced, decimal LedgerTotal);
}
