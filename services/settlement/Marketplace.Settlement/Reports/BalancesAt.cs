using Dapper;
using Npgsql;

namespace Marketplace.Settlement.Reports;

/// <summary>
/// Every account's signed balance at a moment (<c>@to</c>, on reported_at), as a query for a report's WITH clause with
/// columns (id, kind, owner_id, balance). Two ways give the same figures: the sum of the account's postings before the
/// moment, or today's balance less the postings since. Reports read whichever side of the ledger is smaller: a month
/// early in the ledger's life sums what came before it, last month subtracts what came after.
/// </summary>
public static class BalancesAt
{
    public static async Task<string> SqlAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset at)
    {
        var first = await connection.ExecuteScalarAsync<DateTime?>("SELECT min(reported_at) FROM postings", transaction: tx);
        var before = first is { } start && at.UtcDateTime - start < DateTime.UtcNow - at.UtcDateTime;
        return before
            ? """
              SELECT a.id, a.kind, a.owner_id, coalesce(m.amount, 0) AS balance
              FROM accounts a
              LEFT JOIN (SELECT account_id, sum(amount) AS amount FROM postings WHERE reported_at < @to GROUP BY account_id) m ON m.account_id = a.id
              WHERE a.currency = @currency
              """
            : """
              SELECT a.id, a.kind, a.owner_id, a.balance - coalesce(m.amount, 0) AS balance
              FROM accounts a
              LEFT JOIN (SELECT account_id, sum(amount) AS amount FROM postings WHERE reported_at >= @to GROUP BY account_id) m ON m.account_id = a.id
              WHERE a.currency = @currency
              """;
    }
}
