using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>A worker sees every earning with the task it came from, and what is available to be paid out.</summary>
public static class ListEarnings
{
    public sealed record Earning(Guid AssignmentId, Guid OrderId, decimal Amount, string Currency, DateTime ApprovedAt);

    public sealed record Response(Guid WorkerId, string Currency, decimal Available, decimal TotalEarned, IEnumerable<Earning> Earnings);

    public static RouteGroupBuilder MapListEarnings(this RouteGroupBuilder group)
    {
        group.MapGet("/", Handle).RequireAuthorization(Roles.Worker);
        return group;
    }

    private static async Task<Ok<Response>> Handle(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var earnings = (await connection.QueryAsync<Earning>("""
            SELECT assignment_id, order_id, amount, currency, approved_at FROM earnings
            WHERE worker_id = @UserId ORDER BY approved_at DESC LIMIT 1000
            """, new { caller.UserId })).ToList();
        var available = await connection.ExecuteScalarAsync<decimal?>(
            "SELECT available FROM worker_balances WHERE worker_id = @UserId AND currency = 'CNY'", new { caller.UserId }) ?? 0m;
        var total = await connection.ExecuteScalarAsync<decimal>(
            "SELECT coalesce(sum(amount), 0) FROM earnings WHERE worker_id = @UserId", new { caller.UserId });
        return TypedResults.Ok(new Response(caller.UserId, "CNY", available, total, earnings));
    }
}
