using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Reports;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// An operator closes a period ({from, to} or {month: "yyyy-MM"}, UTC): its operator report is computed once and stored,
/// and from then on the period's report and CSV answer the stored figures. A fact dated inside a closed period that
/// arrives later is booked with its own date but reported at the start of the next open period (migration 0010).
/// Closing a period again, or one overlapping a closed period, is 409.
/// </summary>
public static class Periods
{
    public sealed record Request(string? From, string? To, string? Month, string? Currency);

    public sealed record PeriodView(Guid Id, DateTimeOffset From, DateTimeOffset To, string Currency, Guid ClosedBy, DateTimeOffset ClosedAt);

    /// <summary>Held exclusively while closing; every booking holds it shared (the trigger in migration 0010).</summary>
    private const long CloseLock = 7361010001;

    public static RouteGroupBuilder MapPeriods(this RouteGroupBuilder group)
    {
        group.MapPost("/", Close).RequireAuthorization(Roles.Operator)
            .Produces<OperatorReport.Response>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", List).RequireAuthorization(Roles.Operator).Produces<IEnumerable<PeriodView>>();
        group.MapGet("/{id:guid}/report", Report).RequireAuthorization(Roles.Operator)
            .Produces<OperatorReport.Response>().ProducesCsv().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Close(Request? request, HttpContext http, NpgsqlDataSource db, TimeProvider clock)
    {
        if (request is null) return Problems.BadRequest("body", "Send {from, to} or {month: \"yyyy-MM\"}.");
        ReportPeriod period;
        if (request.Month is not null)
        {
            if (request.From is not null || request.To is not null)
                return Problems.BadRequest("month", "Give either 'month' or 'from' and 'to', not both.");
            if (!DateTime.TryParseExact(request.Month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month)
                || month.Year < 2000 || month.Year > 2200)
                return Problems.BadRequest("month", "'month' must be yyyy-MM, e.g. 2026-10.");
            var start = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
            if (ReportPeriod.TryParse(start.ToString("O"), start.AddMonths(1).ToString("O"), request.Currency, out period) is { } bad) return bad;
        }
        else if (ReportPeriod.TryParse(request.From, request.To, request.Currency, out period) is { } bad) return bad;
        if (period.To > clock.GetUtcNow())
            return Problems.BadRequest(request.Month is null ? "to" : "month", "A period can be closed only once it has ended.");

        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // Wait for bookings in flight; bookings that come after see this period closed.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@CloseLock)", new { CloseLock }, tx);
        var overlapping = await connection.QuerySingleOrDefaultAsync<(Guid Id, DateTime StartsAt, DateTime EndsAt)?>("""
            SELECT id, starts_at, ends_at FROM closed_periods
            WHERE tstzrange(starts_at, ends_at) && tstzrange(@from, @to)
            LIMIT 1
            """, new { from = period.From.UtcDateTime, to = period.To.UtcDateTime }, tx);
        if (overlapping is { } o)
            return Problems.Conflict($"The period overlaps the closed period [{o.StartsAt:O}, {o.EndsAt:O}) ({o.Id}).", new { periodId = o.Id });

        var id = Guid.CreateVersion7();
        var closedAt = clock.GetUtcNow();
        var computed = await OperatorReport.ComputeAsync(connection, tx, period);
        var report = computed with { Frozen = true, PeriodId = id, ClosedAt = closedAt };
        var json = JsonSerializer.Serialize(report, OperatorReports.Json);
        await connection.ExecuteAsync("""
            INSERT INTO closed_periods (id, starts_at, ends_at, currency, closed_by, closed_at, report, csv)
            VALUES (@id, @from, @to, @currency, @closedBy, @closedAt, @json::jsonb, @csv)
            """, new
        {
            id, from = period.From.UtcDateTime, to = period.To.UtcDateTime, currency = period.Currency, closedBy = caller.UserId,
            closedAt = closedAt.UtcDateTime, json, csv = OperatorReport.ToCsv(report),
        }, tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/periods/{id}/report", report);
    }

    private static async Task<IResult> List(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var periods = await connection.QueryAsync<(Guid Id, DateTime StartsAt, DateTime EndsAt, string Currency, Guid ClosedBy, DateTime ClosedAt)>(
            "SELECT id, starts_at, ends_at, currency, closed_by, closed_at FROM closed_periods ORDER BY starts_at DESC LIMIT 500");
        return TypedResults.Ok(periods.Select(p => new PeriodView(p.Id, Utc(p.StartsAt), Utc(p.EndsAt), p.Currency, p.ClosedBy, Utc(p.ClosedAt))));
    }

    private static async Task<IResult> Report(Guid id, string? format, HttpContext http, NpgsqlDataSource db)
    {
        if (ReportFormat.WantsCsv(http.Request, format, out var csv) is { } badFormat) return badFormat;
        await using var connection = await db.OpenConnectionAsync();
        var stored = await connection.QuerySingleOrDefaultAsync<(string Report, string Csv)?>(
            "SELECT report::text AS report, csv FROM closed_periods WHERE id = @id", new { id });
        return stored is { } s ? OperatorReports.Stored(s.Report, s.Csv, csv) : Problems.NotFound($"Closed period {id}");
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
