using Dapper;
using Marketplace.EndToEnd.Tests.OpenApi;
using Npgsql;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>The exact row count of every table of every service database, read with the tests' admin connection.</summary>
public static class RowCounts
{
    /// <summary>
    /// Tables that change without any request asking: background job storage (jobs, job_runs, job_intents, recurring_jobs
    /// and Hangfire's schema) and reconciliation_runs move on their own timers; outbox and inbox rows are the plumbing of
    /// messages still draining from earlier tests; sign_in_failures grow on every refused sign-in by design (the lockout
    /// counts them); content_views is the audit of content shown; operator_actions is the operators' audit log, which records
    /// refused requests too (who tried what); rate-limit counters grow on any request.
    /// </summary>
    public static readonly string[] Excluded =
    [
        "jobs", "job_runs", "job_intents", "recurring_jobs", "reconciliation_runs", "outbox_messages", "inbox_messages",
        "sign_in_failures", "content_views", "operator_actions",
    ];

    private static bool Counted(string schema, string table) =>
        schema != "hangfire" && !Excluded.Contains(table) && !table.StartsWith("rate_limit", StringComparison.Ordinal);

    public static async Task<Dictionary<string, long>> ReadAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var service in OpenApiDocuments.Services)
        {
            await using var connection = new NpgsqlConnection(Cluster.Database(service));
            var tables = (await connection.QueryAsync<(string Schema, string Table)>("""
                SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2
                """)).Where(t => Counted(t.Schema, t.Table)).ToList();
            if (tables.Count == 0) continue;
            var sql = string.Join("\nUNION ALL ", tables.Select(t => $"SELECT '{t.Schema}.{t.Table}', count(*) FROM \"{t.Schema}\".\"{t.Table}\""));
            foreach (var (table, count) in await connection.QueryAsync<(string, long)>(sql)) counts[$"{service}:{table}"] = count;
        }
        return counts;
    }

    /// <summary>The counts once three readings a second apart agree (messages and delayed jobs of earlier tests may still be arriving).</summary>
    public static async Task<Dictionary<string, long>> SettledAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = await ReadAsync();
        var quiet = 0;
        while (true)
        {
            await Task.Delay(1000);
            var now = await ReadAsync();
            quiet = Differences(last, now).Count == 0 ? quiet + 1 : 0;
            if (quiet == 2 || DateTime.UtcNow > deadline) return now;
            last = now;
        }
    }

    public static List<string> Differences(Dictionary<string, long> before, Dictionary<string, long> after) =>
        before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: {before.GetValueOrDefault(k)} -> {after.GetValueOrDefault(k)}")
            .ToList();
}
