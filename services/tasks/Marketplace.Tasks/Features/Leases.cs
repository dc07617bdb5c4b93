using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker's hold on claimed work: see what they hold and until when, extend it while working (a heartbeat, from the
/// labeling page), or give it back. Work whose lease lapses goes back to the pool (the lease-sweep job).
/// </summary>
public static class Leases
{
    public sealed record Lease(Guid AssignmentId, Guid OrderId, string ItemId, DateTime LeaseExpiresAt);

    public sealed record Released(Guid AssignmentId, string Status);

    public static RouteGroupBuilder MapLeases(this RouteGroupBuilder group)
    {
        group.MapGet("/mine", Mine).RequireAuthorization(Roles.Worker);
        group.MapPost("/heartbeat", HeartbeatAll).RequireAuthorization(Roles.Worker);
        group.MapPost("/{id:guid}/heartbeat", Heartbeat).RequireAuthorization(Roles.Worker)
            .Produces<Lease>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/release", Release).RequireAuthorization(Roles.Worker)
            .Produces<Released>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private const string Extend = """
        UPDATE assignments a SET lease_expires_at = now() + coalesce(make_interval(secs => o.lease_seconds), @lease)
        FROM task_orders o
        WHERE o.order_id = a.order_id AND a.worker_id = @UserId AND a.status = 'leased' AND a.lease_expires_at > now()
          AND (@id::uuid IS NULL OR a.id = @id)
        RETURNING a.id AS assignment_id, a.order_id, a.item_id, a.lease_expires_at
        """;

    /// <summary>The worker's live leases, soonest to lapse first.</summary>
    private static async Task<Ok<IReadOnlyList<Lease>>> Mine(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var leases = await connection.QueryAsync<Lease>("""
            SELECT id AS assignment_id, order_id, item_id, lease_expires_at FROM assignments
            WHERE worker_id = @UserId AND status = 'leased' AND lease_expires_at > now()
            ORDER BY lease_expires_at, id
            """, new { caller.UserId });
        return TypedResults.Ok<IReadOnlyList<Lease>>(leases.ToList());
    }

    /// <summary>Extends every live lease the worker holds (one call for a whole suite).</summary>
    private static async Task<Ok<IReadOnlyList<Lease>>> HeartbeatAll(HttpContext http, NpgsqlDataSource db, IOptions<TasksOptions> options)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var leases = await connection.QueryAsync<Lease>(Extend, new { caller.UserId, id = (Guid?)null, lease = options.Value.LeaseDuration });
        return TypedResults.Ok<IReadOnlyList<Lease>>(leases.OrderBy(l => l.LeaseExpiresAt).ToList());
    }

    private static async Task<IResult> Heartbeat(Guid id, HttpContext http, NpgsqlDataSource db, IOptions<TasksOptions> options)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var lease = await connection.QuerySingleOrDefaultAsync<Lease>(Extend, new { caller.UserId, id = (Guid?)id, lease = options.Value.LeaseDuration });
        return lease is not null ? TypedResults.Ok(lease) : await RefusalAsync(connection, id, caller);
    }

    /// <summary>Gives the work back at once (the worker does not get the item again).</summary>
    private static async Task<IResult> Release(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var released = await connection.ExecuteAsync("""
            UPDATE assignments SET status = 'open', lease_expires_at = NULL, leased_at = NULL
            WHERE id = @id AND worker_id = @UserId AND status = 'leased' AND lease_expires_at > now()
            """, new { id, caller.UserId });
        return released == 1 ? TypedResults.Ok(new Released(id, "open")) : await RefusalAsync(connection, id, caller);
    }

    /// <summary>Why a lease could not be touched: not the worker's (404), lapsed, or no longer leased (409).</summary>
    public static async Task<IResult> RefusalAsync(NpgsqlConnection connection, Guid id, Caller caller, NpgsqlTransaction? tx = null)
    {
        var state = await connection.QuerySingleOrDefaultAsync<(string Status, Guid? WorkerId, bool Live)?>("""
            SELECT a.status, a.worker_id, coalesce(a.lease_expires_at > now(), false)
            FROM assignments a
            WHERE a.id = @id
              AND (a.worker_id = @UserId OR EXISTS (SELECT 1 FROM worker_items w
                                                    WHERE w.worker_id = @UserId AND w.order_id = a.order_id AND w.item_id = a.item_id))
            """, new { id, caller.UserId }, tx);
        if (state is null) return Problems.NotFound($"Assignment {id}");
        var (status, worker, live) = state.Value;
        if (worker != caller.UserId || (status is "leased" or "open" && !live))
            return Problems.Conflict($"Your lease on assignment {id} has expired and the work went back to the pool; claim new work.", "lease_expired");
        return Problems.Conflict($"Assignment {id} is {status}; only work you hold under a live lease can be extended, released or submitted.", status);
    }
}
