using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Payouts.Features;

public static class ListPayouts
{
    public sealed record PayoutView(Guid Id, Guid BatchId, Guid WorkerId, decimal Amount, string Currency, string Status,
        string? RailReference, string? FailureReason, int Attempts, DateTime CreatedAt, DateTime? CompletedAt, string? Destination);

    public static RouteGroupBuilder MapListPayouts(this RouteGroupBuilder group)
    {
        group.MapGet("/", Handle).RequireAuthorization("worker-or-operator");
        return group;
    }

    private static async Task<Ok<IEnumerable<PayoutView>>> Handle(Guid? workerId, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        // A worker sees only their own payouts, whatever they ask for.
        var scope = caller.IsOperator ? workerId : caller.UserId;
        await using var connection = await db.OpenConnectionAsync();
        return TypedResults.Ok(await connection.QueryAsync<PayoutView>("""
            SELECT id, batch_id, worker_id, amount, currency, status, rail_reference, failure_reason, attempts, created_at, completed_at,
                   destination
            FROM payouts WHERE @scope::uuid IS NULL OR worker_id = @scope
            ORDER BY created_at DESC LIMIT 1000
            """, new { scope }));
    }
}
