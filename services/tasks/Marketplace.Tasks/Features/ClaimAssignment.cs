using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker asks for work (optionally from one order, as they pick a project) and gets one assignment under a lease. One statement claims it with FOR UPDATE SKIP LOCKED,
/// so concurrent claimers (on any instance) never get the same slot; a lapsed lease makes its slot claimable again.
/// </summary>
public static class ClaimAssignment
{
    public sealed class Response
    {
        public Guid AssignmentId { get; init; }
        public Guid OrderId { get; init; }
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        /// <summary>For a content:// item, a short-lived signed link the browser can load without a token; else null.</summary>
        public string? ContentUrl { get; set; }
        public string TaskType { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public decimal Reward { get; init; }
        public string Currency { get; init; } = "";
        public DateTime LeaseExpiresAt { get; init; }
        public bool MultiLabel { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public string CriteriaJson { get; init; } = "[]";
        public System.Text.Json.JsonElement Criteria => System.Text.Json.JsonDocument.Parse(CriteriaJson).RootElement.Clone();
    }

    public static RouteGroupBuilder MapClaimAssignment(this RouteGroupBuilder group)
    {
        group.MapPost("/claim", Handle).RequireAuthorization(Roles.Worker);
        return group;
    }

    private static async Task<IResult> Handle(Guid? orderId, HttpContext http, NpgsqlDataSource db, IOptions<TasksOptions> options,
        ContentLinks links, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        var limit = options.Value.MaxActiveLeasesPerWorker;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // Serialise one worker's own claims so the per-worker limit holds under concurrent requests.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@worker, 0))", new { worker = caller.UserId.ToString() }, tx);
        var active = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM assignments WHERE worker_id = @UserId AND status = 'leased' AND lease_expires_at > now()",
            new { caller.UserId }, tx);
        if (active >= limit)
            return Problems.Conflict($"You already hold {active} assignments (the limit is {limit}); submit or release one first.");

        const string claim = """
            WITH candidate AS (
                SELECT a.id FROM assignments a
                JOIN task_orders o ON o.order_id = a.order_id
                WHERE (a.status = 'open' OR (a.status = 'leased' AND a.lease_expires_at < now()))
                  AND o.completed_at IS NULL
                  AND (@orderId::uuid IS NULL OR a.order_id = @orderId)
                  AND NOT EXISTS (SELECT 1 FROM worker_items w
                                  WHERE w.worker_id = @UserId AND w.order_id = a.order_id AND w.item_id = a.item_id)
                ORDER BY a.created_at, a.id
                LIMIT 1
                FOR UPDATE OF a SKIP LOCKED)
            UPDATE assignments a
            SET status = 'leased', worker_id = @UserId, lease_expires_at = now() + @lease
            FROM candidate, task_orders o
            WHERE a.id = candidate.id AND o.order_id = a.order_id
            RETURNING a.id AS assignment_id, a.order_id, a.item_id, a.content, o.task_type, o.labels,
                      o.worker_reward AS reward, o.currency, a.lease_expires_at,
                      o.multi_label, o.criteria::text AS criteria_json
            """;
        var claimed = await connection.QuerySingleOrDefaultAsync<Response>(claim, new { caller.UserId, orderId, lease = options.Value.LeaseDuration }, tx);
        if (claimed is null)
        {
            await tx.CommitAsync();
            return TypedResults.NoContent();
        }
        await connection.ExecuteAsync(
            "INSERT INTO worker_items (worker_id, order_id, item_id) VALUES (@UserId, @OrderId, @ItemId) ON CONFLICT DO NOTHING",
            new { caller.UserId, claimed.OrderId, claimed.ItemId }, tx);
        await tx.CommitAsync();
        claimed.ContentUrl = links.LinkForContent(claimed.Content, clock.GetUtcNow());
        return TypedResults.Ok(claimed);
    }
}
