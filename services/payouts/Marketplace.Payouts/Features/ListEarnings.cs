using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>
/// A worker sees every earning with where it came from (order, and the assignment or the bonus's reason), its status
/// (held until availableAt, available, or reversed with the reason), and their balance: held, available (payable now),
/// paidOut (sent) and inFlight (being paid).
/// </summary>
public static class ListEarnings
{
    public sealed record Earning(Guid Id, string Kind, Guid? AssignmentId, Guid? BonusId, Guid OrderId, decimal Amount, string Currency,
        string Status, string? Reason, DateTime ApprovedAt, DateTime? AvailableAt, DateTime? ReversedAt, string? ReversalReason);

    public sealed record Response(Guid WorkerId, string Currency, decimal Held, decimal Available, decimal PaidOut, decimal InFlight,
        decimal TotalEarned, IEnumerable<Earning> Earnings);

    public static RouteGroupBuilder MapListEarnings(this RouteGroupBuilder group)
    {
        group.MapGet("/", Handle).RequireAuthorization("worker-or-operator");
        return group;
    }

    private static async Task<Ok<Response>> Handle(Guid? workerId, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        // A worker sees only their own earnings, whatever they ask for; an operator names the worker.
        var worker = caller.IsOperator && workerId is { } asked ? asked : caller.UserId;
        await using var connection = await db.OpenConnectionAsync();
        var earnings = (await connection.QueryAsync<Earning>("""
            SELECT id, kind, assignment_id, bonus_id, order_id, amount, currency, status, reason, approved_at, available_at,
                   reversed_at, reversal_reason
            FROM earnings WHERE worker_id = @worker ORDER BY approved_at DESC LIMIT 1000
            """, new { worker })).ToList();
        var totals = await connection.QuerySingleAsync<(decimal Held, decimal Available, decimal PaidOut, decimal InFlight, decimal Total)>("""
            SELECT coalesce((SELECT held FROM worker_balances WHERE worker_id = @worker AND currency = 'CNY'), 0),
                   coalesce((SELECT available FROM worker_balances WHERE worker_id = @worker AND currency = 'CNY'), 0),
                   coalesce((SELECT sum(amount) FROM payouts WHERE worker_id = @worker AND status = 'sent'), 0),
                   coalesce((SELECT sum(amount) FROM payouts WHERE worker_id = @worker AND status = 'pending'), 0),
                   coalesce((SELECT sum(amount) FROM earnings WHERE worker_id = @worker AND status <> 'reversed'), 0)
            """, new { worker });
        return TypedResults.Ok(new Response(worker, "CNY", totals.Held, totals.Available, totals.PaidOut, totals.InFlight, totals.Total, earnings));
    }
}
