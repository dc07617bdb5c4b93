using Dapper;
using FluentValidation;
using Marketplace.Labeling;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// The platform's commission per task type: an operator sets a percent of the unit price and a minimum per order;
/// anyone signed in can read the schedule. Orders snapshot the terms of their task type when they are created.
/// </summary>
public static class FeeSchedule
{
    public sealed record Request(decimal? Percent, decimal? MinimumPerOrder);

    public sealed record Terms(string TaskType, decimal Percent, decimal MinimumPerOrder, bool IsDefault);

    private sealed record Row(string TaskType, decimal Percent, decimal MinimumPerOrder);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Percent).NotNull().InclusiveBetween(0m, 100m)
                .Must(p => p is null || decimal.Round(p.Value, 4) == p).WithMessage("'Percent' has at most 4 decimal places.");
            RuleFor(r => r.MinimumPerOrder).NotNull().InclusiveBetween(0m, 1_000_000m)
                .Must(m => m is null || decimal.Round(m.Value, 2) == m).WithMessage("'Minimum Per Order' has at most 2 decimal places (fen).");
        }
    }

    public static RouteGroupBuilder MapFeeSchedule(this RouteGroupBuilder group)
    {
        group.MapGet("/", List).RequireAuthorization();
        group.MapPut("/{taskType}", Set).RequireAuthorization(Roles.Operator).Validate<Request>().Produces<Terms>();
        return group;
    }

    /// <summary>The terms an order of this task type gets now: its own row, else the platform default with no minimum.</summary>
    public static async Task<Terms> TermsForAsync(NpgsqlConnection connection, string taskType, FeeOptions defaults, NpgsqlTransaction? tx = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            "SELECT task_type, percent, minimum_per_order FROM fee_schedules WHERE task_type = @taskType", new { taskType }, tx);
        return row is not null ? new Terms(taskType, row.Percent, row.MinimumPerOrder, false) : new Terms(taskType, defaults.PlatformFeePercent, 0m, true);
    }

    private static async Task<Ok<IEnumerable<Terms>>> List(NpgsqlDataSource db, IOptions<FeeOptions> defaults)
    {
        await using var connection = await db.OpenConnectionAsync();
        var set = (await connection.QueryAsync<Row>(
            "SELECT task_type, percent, minimum_per_order FROM fee_schedules")).ToDictionary(r => r.TaskType);
        return TypedResults.Ok(TaskTypes.All.Select(t => set.TryGetValue(t, out var r)
            ? new Terms(t, r.Percent, r.MinimumPerOrder, false)
            : new Terms(t, defaults.Value.PlatformFeePercent, 0m, true)));
    }

    private static async Task<IResult> Set(string taskType, Request request, HttpContext http, NpgsqlDataSource db)
    {
        if (!TaskTypes.All.Contains(taskType))
            return Problems.BadRequest("taskType", $"'taskType' must be one of {string.Join(", ", TaskTypes.All)}.");
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO fee_schedules (task_type, percent, minimum_per_order, updated_by) VALUES (@taskType, @Percent, @MinimumPerOrder, @UserId)
            ON CONFLICT (task_type) DO UPDATE SET percent = EXCLUDED.percent, minimum_per_order = EXCLUDED.minimum_per_order,
                                                  updated_by = EXCLUDED.updated_by, updated_at = now()
            """, new { taskType, request.Percent, request.MinimumPerOrder, caller.UserId });
        return TypedResults.Ok(new Terms(taskType, request.Percent!.Value, request.MinimumPerOrder!.Value, false));
    }
}
