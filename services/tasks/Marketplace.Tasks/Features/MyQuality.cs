using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>A worker's own record per order: accuracy on check questions, submissions flagged too fast, and any suspension with its reason.</summary>
public static class MyQuality
{
    /// <param name="CopiedSuggestions">Check questions answered by submitting a deliberately wrong model suggestion unchanged.</param>
    public sealed record OrderQuality(Guid OrderId, int GoldAnswered, int GoldCorrect, decimal? Accuracy, int TooFast,
        DateTime? SuspendedUntil, string? SuspensionReason, int CopiedSuggestions);

    public static RouteGroupBuilder MapMyQuality(this RouteGroupBuilder group)
    {
        group.MapGet("/mine", Handle).RequireAuthorization(Roles.Worker);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<OrderQuality>>> Handle(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<OrderQuality>("""
            SELECT order_id, gold_answered, gold_correct,
                   CASE WHEN gold_answered > 0 THEN round(gold_correct::numeric / gold_answered, 4) END AS accuracy, too_fast,
                   CASE WHEN suspended_until > now() THEN suspended_until END AS suspended_until,
                   CASE WHEN suspended_until > now() THEN suspension_reason END AS suspension_reason, planted_copied AS copied_suggestions
            FROM worker_order_quality WHERE worker_id = @UserId ORDER BY updated_at DESC
            """, new { caller.UserId });
        return TypedResults.Ok<IReadOnlyList<OrderQuality>>(rows.ToList());
    }
}
