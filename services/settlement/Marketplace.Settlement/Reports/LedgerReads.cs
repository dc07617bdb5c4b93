using Dapper;
using Npgsql;

namespace Marketplace.Settlement.Reports;

/// <summary>Reads shared by statements and reports. Every period boundary is on reported_at (see migrations 0010 and 0012).</summary>
public static class LedgerReads
{
    public sealed record Account(Guid Id, decimal Balance);

    public sealed record KindMovement(string Kind, decimal Amount, long Transactions);

    public static Task<Account?> FindAccountAsync(NpgsqlConnection connection, string code, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Account>("SELECT id, balance FROM accounts WHERE code = @code", new { code }, tx);

    /// <summary>The signed balance at <paramref name="at"/>: today's balance less what moved since (recent postings only).</summary>
    public static async Task<decimal> BalanceAtAsync(NpgsqlConnection connection, Account account, DateTimeOffset at, NpgsqlTransaction? tx = null)
    {
        const string sql = """
            SELECT coalesce(sum(p.amount), 0) FROM postings p WHERE p.account_id = @Id AND p.reported_at >= @at
            """;
        return account.Balance - await connection.ExecuteScalarAsync<decimal>(sql, new { account.Id, at = at.UtcDateTime }, tx);
    }

    /// <summary>What moved on one account in the period, by transaction kind; credits count positive (these are credit-normal accounts).</summary>
    public static async Task<List<KindMovement>> MovementsAsync(NpgsqlConnection connection, Account account, ReportPeriod period, NpgsqlTransaction? tx = null)
    {
        const string sql = """
            SELECT p.tx_kind AS kind, -sum(p.amount) AS amount, count(*) AS transactions
            FROM postings p
            WHERE p.account_id = @Id AND p.reported_at >= @from AND p.reported_at < @to
            GROUP BY p.tx_kind ORDER BY p.tx_kind
            """;
        return (await connection.QueryAsync<KindMovement>(sql, new { account.Id, from = period.From.UtcDateTime, to = period.To.UtcDateTime }, tx)).ToList();
    }
}
