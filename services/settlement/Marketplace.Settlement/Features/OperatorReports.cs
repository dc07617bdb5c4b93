using System.Text;
using System.Text.Json;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Reports;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// The operator's report for a period (totals, by industry, by task type; JSON or CSV) and a daily series for charts.
/// A period that was closed answers its stored figures.
/// </summary>
public static class OperatorReports
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Day(DateOnly Date, decimal Gmv, decimal Fees, decimal Payouts);

    public sealed record DailySeries(DateTimeOffset From, DateTimeOffset To, string Currency, IReadOnlyList<Day> Days);

    public static RouteGroupBuilder MapOperatorReports(this RouteGroupBuilder group)
    {
        group.MapGet("/operator", Handle).RequireAuthorization(Roles.Operator).Produces<OperatorReport.Response>().ProducesCsv();
        group.MapGet("/daily", Daily).RequireAuthorization(Roles.Operator).Produces<DailySeries>().ProducesCsv();
        return group;
    }

    private static async Task<IResult> Handle(string? from, string? to, string? currency, string? format, HttpContext http, NpgsqlDataSource db)
    {
        if (ReportPeriod.TryParse(from, to, currency, out var period) is { } badPeriod) return badPeriod;
        if (ReportFormat.WantsCsv(http.Request, format, out var csv) is { } badFormat) return badFormat;
        await using var connection = await db.OpenConnectionAsync();
        var closed = await connection.QuerySingleOrDefaultAsync<(string Report, string Csv)?>("""
            SELECT report::text AS report, csv FROM closed_periods
            WHERE starts_at = @from AND ends_at = @to AND currency = @currency
            """, new { from = period.From.UtcDateTime, to = period.To.UtcDateTime, currency = period.Currency });
        if (closed is { } stored) return Stored(stored.Report, stored.Csv, csv);

        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var report = await OperatorReport.ComputeAsync(connection, tx, period);
        await tx.CommitAsync();
        return csv ? Results.Text(OperatorReport.ToCsv(report), "text/csv; charset=utf-8", Encoding.UTF8) : TypedResults.Ok(report);
    }

    /// <summary>The stored figures exactly as they were computed when the period closed.</summary>
    public static IResult Stored(string reportJson, string reportCsv, bool csv) =>
        csv ? Results.Text(reportCsv, "text/csv; charset=utf-8", Encoding.UTF8) : Results.Text(reportJson, "application/json", Encoding.UTF8);

    private static async Task<IResult> Daily(string? from, string? to, string? currency, string? format, HttpContext http, NpgsqlDataSource db)
    {
        if (ReportPeriod.TryParse(from, to, currency, out var period, maxDays: 366) is { } badPeriod) return badPeriod;
        if (ReportFormat.WantsCsv(http.Request, format, out var csv) is { } badFormat) return badFormat;
        await using var connection = await db.OpenConnectionAsync();
        const string sql = """
            SELECT date_trunc('day', p.reported_at AT TIME ZONE 'UTC') AS date,
              coalesce(-sum(p.amount) FILTER (WHERE p.order_id IS NOT NULL AND a.kind IN ('worker_payable', 'vendor_payable', 'platform_fee')), 0) AS gmv,
              coalesce(-sum(p.amount) FILTER (WHERE a.kind = 'platform_fee'), 0) AS fees,
              coalesce(sum(p.amount) FILTER (WHERE a.kind = 'worker_payable' AND p.amount > 0), 0) AS payouts
            FROM postings p
            JOIN accounts a ON a.id = p.account_id
            WHERE p.reported_at >= @from AND p.reported_at < @to AND p.currency = @currency
            GROUP BY 1
            """;
        var rows = (await connection.QueryAsync<(DateTime Date, decimal Gmv, decimal Fees, decimal Payouts)>(sql, new
        {
            from = period.From.UtcDateTime, to = period.To.UtcDateTime, currency = period.Currency,
        })).ToDictionary(r => DateOnly.FromDateTime(r.Date));
        // Every day of the period, zero where nothing moved, so a chart needs no gap handling.
        var days = new List<Day>();
        for (var d = DateOnly.FromDateTime(period.From.UtcDateTime); d.ToDateTime(TimeOnly.MinValue) < period.To.UtcDateTime; d = d.AddDays(1))
            days.Add(rows.TryGetValue(d, out var r) ? new Day(d, r.Gmv, r.Fees, r.Payouts) : new Day(d, 0, 0, 0));
        var series = new DailySeries(period.From, period.To, period.Currency, days);
        if (!csv) return TypedResults.Ok(series);
        var c = new Csv();
        foreach (var day in days)
        {
            var key = day.Date.ToString("yyyy-MM-dd");
            c.Add("day", key, null, null, "gmv", day.Gmv).Add("day", key, null, null, "fees", day.Fees).Add("day", key, null, null, "payouts", day.Payouts);
        }
        return c.ToResult();
    }
}
