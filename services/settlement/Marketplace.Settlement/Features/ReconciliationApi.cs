using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Reconciliation;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>Operators run reconciliation now, and see the latest runs and the open alerts with the offending ids.</summary>
public static class ReconciliationApi
{
    public sealed record RunView(Guid Id, string Trigger, DateTime Watermark, DateTime StartedAt, DateTime? FinishedAt, string Status,
        int Mismatches, string? Summary, string? Error);

    public sealed record AlertView(Guid Id, string CheckName, string EntityKind, string EntityId, Guid? OrderId, string Detail,
        DateTime FirstSeenAt, DateTime LastSeenAt, Guid LastRunId);

    public sealed record Overview(IEnumerable<RunView> Runs, IEnumerable<AlertView> OpenAlerts);

    public static RouteGroupBuilder MapReconciliation(this RouteGroupBuilder group)
    {
        group.MapPost("/run", Run).RequireAuthorization(Roles.Operator)
            .Produces<RunResult>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", Latest).RequireAuthorization(Roles.Operator).Produces<Overview>();
        return group;
    }

    private static async Task<IResult> Run(Reconciler reconciler, CancellationToken ct)
    {
        var result = await reconciler.RunAsync("operator", ct);
        return result is null ? Problems.Conflict("A reconciliation run is in progress; ask again when it has finished.") : TypedResults.Ok(result);
    }

    private static async Task<IResult> Latest(int? runs, NpgsqlDataSource db)
    {
        if (runs is < 1 or > 100) return Problems.BadRequest("runs", "'runs' must be between 1 and 100.");
        await using var connection = await db.OpenConnectionAsync();
        var latest = await connection.QueryAsync<RunView>("""
            SELECT id, trigger, watermark, started_at, finished_at, status, mismatches, summary::text AS summary, error
            FROM reconciliation_runs ORDER BY started_at DESC LIMIT @take
            """, new { take = runs ?? 10 });
        var alerts = await connection.QueryAsync<AlertView>("""
            SELECT id, check_name, entity_kind, entity_id, order_id, detail, first_seen_at, last_seen_at, last_run_id
            FROM reconciliation_alerts WHERE resolved_at IS NULL ORDER BY first_seen_at, check_name, entity_id LIMIT 1000
            """);
        return TypedResults.Ok(new Overview(latest, alerts));
    }
}
