using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker asks for work (optionally from one order, as they pick a project) and gets one assignment, or a suite of
/// them, under a lease. One statement claims them with FOR UPDATE SKIP LOCKED over the partial index of open slots, so
/// concurrent claimers (on any instance) never get the same slot; a worker never gets an item twice (worker_items) and
/// never holds more than the per-worker limit. A lapsed lease is returned to the pool by the lease-sweep job.
/// </summary>
public static class ClaimAssignment
{
    public const int MaxSuiteSize = 50;

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
        /// <summary>Set when this item came back from the enterprise's acceptance check: what was found wrong.</summary>
        public string? ReworkFinding { get; init; }
        /// <summary>The slot's place in the queue (see <see cref="ClaimQueueHead"/>).</summary>
        [System.Text.Json.Serialization.JsonIgnore] public DateTime CreatedAt { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public short Lane { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public short ClaimPriority { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public string CriteriaJson { get; init; } = "[]";
        public System.Text.Json.JsonElement Criteria => System.Text.Json.JsonDocument.Parse(CriteriaJson).RootElement.Clone();
        [System.Text.Json.Serialization.JsonIgnore] public string? PrelabelJson { get; init; }
        /// <summary>A model's suggested answer for the item, {label, modelVersion, score}; null when there is none.</summary>
        public System.Text.Json.JsonElement? Prelabel => AssignmentView.ParsePrelabel(PrelabelJson);
    }

    /// <summary>What a claim on one order checks first; a worker who may not take the order is told what they lack.</summary>
    private const string EligibilitySql = """
        SELECT o.data_grade, o.personal_information, worker_clearance(@UserId) AS clearance,
               ARRAY(SELECT q FROM unnest(o.required_qualifications) q
                     WHERE q NOT IN (SELECT qualification FROM worker_qualifications WHERE worker_id = @UserId)) AS missing_qualifications,
               (SELECT suspension_reason FROM worker_order_quality
                WHERE worker_id = @UserId AND order_id = o.order_id AND suspended_until > now()) AS suspension_reason,
               (o.terms->>'maxItemsPerWorker')::int AS max_items_per_worker,
               ((o.terms->>'maxItemsPerWorker')::int
                - (SELECT count(*) FROM worker_items w WHERE w.worker_id = @UserId AND w.order_id = o.order_id))::int AS items_left,
               o.audience, EXISTS (SELECT 1 FROM team_members m WHERE m.vendor_org_id = o.payer_vendor_org_id AND m.worker_id = @UserId) AS team_member,
               o.total_assignments
        FROM task_orders o WHERE o.order_id = @orderId;
        """;

    private sealed class Eligibility
    {
        public string DataGrade { get; init; } = "";
        public bool PersonalInformation { get; init; }
        public string Clearance { get; init; } = "";
        public string[] MissingQualifications { get; init; } = [];
        /// <summary>Set while the worker is suspended from the order for accuracy on gold: why, and until when.</summary>
        public string? SuspensionReason { get; init; }
        /// <summary>The order's terms cap the items one worker labels (maxItemsPerWorker): how many this worker has left.</summary>
        public int? MaxItemsPerWorker { get; init; }
        public int? ItemsLeft { get; init; }
        /// <summary>team: a vendor's work package for its own team (only members claim it); crowd: anyone cleared.</summary>
        public string Audience { get; init; } = "crowd";
        public bool TeamMember { get; init; }
        /// <summary>The order's slot count: the queue heads' generation (see <see cref="ClaimQueueHead"/>).</summary>
        public int TotalAssignments { get; init; }

        public IResult? Refusal()
        {
            // A vendor's team work is its members' alone, whatever the grade (core data included: the vendor answers for
            // its team, and every view of the content is audited); the crowd's clearance rules do not apply to it.
            if (Audience == "team")
                return TeamMember ? null : Refusals.Forbidden("This work is for the members of a vendor's team only.",
                    new Dictionary<string, object?> { ["audience"] = Audience }, "claims.team_only");
            var needed = Domain.Clearance.Required(DataGrade, PersonalInformation);
            if (needed > 2)
                return Refusals.Forbidden("Core-grade data is never given to the crowd.", new Dictionary<string, object?> { ["dataGrade"] = DataGrade },
                    "claims.core_data");
            var lacking = new List<string>();
            if (Domain.Clearance.Rank(Clearance) < needed)
                lacking.Add(needed == 2
                    ? $"important-grade clearance (identity verified, the current confidentiality agreement signed, vetted){(DataGrade == "important" ? "" : " because the data holds personal information")}"
                    : "general-grade clearance (a verified identity)");
            if (MissingQualifications.Length > 0) lacking.Add($"the qualifications {string.Join(", ", MissingQualifications)}");
            if (lacking.Count == 0) return null;
            return Refusals.Forbidden($"You may not take this order's work yet: it needs {string.Join(" and ", lacking)}.", new Dictionary<string, object?>
            {
                ["clearance"] = Clearance,
                ["requiredClearance"] = needed == 2 ? Domain.Clearance.Important : Domain.Clearance.General,
                ["missingQualifications"] = MissingQualifications,
            });
        }
    }

    public sealed record Suite(DateTime LeaseExpiresAt, IReadOnlyList<Response> Assignments);

    public const string ConcurrencyPolicy = "claims";

    public static RouteGroupBuilder MapClaimAssignment(this RouteGroupBuilder group)
    {
        // 204: no work this worker may take right now.
        // Claims wait in line for one of ClaimConcurrency permits (they contend for the same queue rows anyway) and run
        // again when PostgreSQL picked one as a deadlock victim.
        group.MapPost("/claim", ClaimOne).RequireAuthorization(Roles.Worker).RequireRateLimiting(ConcurrencyPolicy).RetryOnDeadlock()
            .Produces<Response>().Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/claim-suite", ClaimSuite).RequireAuthorization(Roles.Worker).RequireRateLimiting(ConcurrencyPolicy).RetryOnDeadlock()
            .Produces<Suite>().Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<IResult> ClaimOne(Guid? orderId, HttpContext http, NpgsqlDataSource db, ClaimQueueHead head,
        IOptions<TasksOptions> options, ContentLinks links, TimeProvider clock)
    {
        var (claimed, problem) = await ClaimAsync(Caller.From(http.User), orderId, 1, db, head, options.Value, links, clock);
        if (problem is not null) return problem;
        return claimed.Count == 0 ? TypedResults.NoContent() : TypedResults.Ok(claimed[0]);
    }

    /// <summary>Up to <paramref name="size"/> assignments (default: the order's suite size) under one lease.</summary>
    private static async Task<IResult> ClaimSuite(Guid? orderId, int? size, HttpContext http, NpgsqlDataSource db, ClaimQueueHead head,
        IOptions<TasksOptions> options, ContentLinks links, TimeProvider clock)
    {
        if (size is < 1 or > MaxSuiteSize) return Problems.BadRequest("size", $"'size' must be between 1 and {MaxSuiteSize}.");
        if (size is null && orderId is not null)
        {
            await using var connection = await db.OpenConnectionAsync();
            size = await connection.ExecuteScalarAsync<int?>("SELECT suite_size FROM task_orders WHERE order_id = @orderId", new { orderId });
        }
        var (claimed, problem) = await ClaimAsync(Caller.From(http.User), orderId, size ?? 1, db, head, options.Value, links, clock);
        if (problem is not null) return problem;
        return claimed.Count == 0 ? TypedResults.NoContent() : TypedResults.Ok(new Suite(claimed.Min(c => c.LeaseExpiresAt), claimed));
    }

    private static async Task<(List<Response> Claimed, IResult? Problem)> ClaimAsync(
        Caller caller, Guid? orderId, int size, NpgsqlDataSource db, ClaimQueueHead head, TasksOptions options, ContentLinks links, TimeProvider clock)
    {
        var limit = options.MaxActiveLeasesPerWorker;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // Serialise one worker's own claims so the per-worker limit holds under concurrent requests. One round trip:
        // the lock is taken before the count is read; a claim on one order also reads whether the worker may take it.
        // The count walks the worker's own leases (assignments_worker). Written as a range, the status does not match
        // the predicate of assignments_lapsed, which PostgreSQL otherwise walked whole (every live lease) after a big
        // split, when its statistics saw no leases yet: 1,700 buffers per claim instead of 5.
        int active;
        Eligibility? eligibility = null;
        await using (var counted = await connection.QueryMultipleAsync($"""
            SELECT pg_advisory_xact_lock(hashtextextended(@worker, 0));
            SELECT count(*)::int FROM assignments
            WHERE worker_id = @UserId AND status >= 'leased' AND status <= 'leased' AND lease_expires_at > now();
            {(orderId is null ? "" : EligibilitySql)}
            """, new { worker = caller.UserId.ToString(), caller.UserId, orderId }, tx))
        {
            await counted.ReadAsync();
            active = await counted.ReadSingleAsync<int>();
            if (orderId is not null) eligibility = await counted.ReadSingleOrDefaultAsync<Eligibility>();
        }
        if (eligibility?.Refusal() is { } refusal) return ([], refusal);
        // Suspended for accuracy on gold: told why (the eligible orders below leave it out as well).
        if (eligibility?.SuspensionReason is { } suspended)
            return ([], TypedResults.Problem(title: "Suspended from this order", detail: suspended, statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "claims.suspended" }));
        if (eligibility?.ItemsLeft is <= 0)
            return ([], Problems.Conflict($"You have labeled {eligibility.MaxItemsPerWorker} items of this order, the most it allows one worker.",
                code: "claims.item_limit_reached"));
        if (eligibility?.ItemsLeft is { } left) size = Math.Min(size, left);
        if (active >= limit)
            return ([], Problems.Conflict($"You already hold {active} assignments (the limit is {limit}); submit or release some first.",
                code: "claims.limit_reached"));
        size = Math.Min(size, limit - active);

        // The order asked for, or else the open orders the worker may take that still have open slots, oldest first.
        IReadOnlyList<(Guid Id, int? ItemsLeft, int Slots)> orders = orderId is { } asked ? [(asked, null, eligibility?.TotalAssignments ?? 0)]
            : (await connection.QueryAsync<(Guid, int?, int)>(OrdersWithWorkSql, new { caller.UserId }, tx)).AsList();
        var claimed = new List<Response>();
        var wanted = size;
        foreach (var (order, itemsLeft, slots) in orders)
        {
            size = Math.Min(wanted, itemsLeft ?? wanted);
            // Lanes in turn from this claim's first lane, each from where this instance last found its open slots; all
            // from the front when that finds nothing.
            var firstLane = head.NextLane();
            var lanes = Enumerable.Range(0, ClaimQueueHead.Lanes).Select(i => (firstLane + i) % ClaimQueueHead.Lanes).ToArray();
            var starts = lanes.Select(lane => head.StartFor(order, lane, slots)).ToArray();
            await connection.ExecuteAsync(ReopenLapsedSql, new { orderId = order }, tx);
            claimed = await ClaimInOrderAsync(connection, tx, caller, order, size, lanes, starts, options);
            if (claimed.Count == 0 && starts.Any(s => s != ClaimQueueHead.Front))
                claimed = await ClaimInOrderAsync(connection, tx, caller, order, size, lanes, [.. lanes.Select(_ => ClaimQueueHead.Front)], options);
            if (claimed.Count > 0)
            {
                foreach (var inLane in claimed.GroupBy(c => c.Lane))
                    head.Claimed(order, inLane.Select(c => new ClaimQueueHead.Position(c.CreatedAt, c.AssignmentId, c.ClaimPriority)).Min()!, inLane.Key, slots);
                break;
            }
        }
        await tx.CommitAsync();
        ClaimMetrics.Record(claimed.Count);
        claimed = claimed.OrderBy(c => c.LeaseExpiresAt).ThenBy(c => c.AssignmentId).ToList();
        foreach (var c in claimed) c.ContentUrl = links.LinkForContent(c.Content, clock.GetUtcNow());
        return (claimed, null);
    }

    /// <summary>
    /// A claim without an order looks at the oldest open orders the worker may take (clearance and qualifications for crowd
    /// work, membership of the vendor's team for team work; not suspended, under the order's per-worker item cap) that have an open slot, and claims from the first that has one for
    /// them. At most 20 are tried.
    /// </summary>
    private const string OrdersWithWorkSql = """
        WITH me AS MATERIALIZED (
            SELECT clearance_rank(worker_clearance(@UserId)) AS clearance,
                   ARRAY(SELECT qualification FROM worker_qualifications WHERE worker_id = @UserId) AS qualifications)
        SELECT o.order_id, left_for_me.items_left, o.total_assignments FROM task_orders o, me,
               LATERAL (SELECT ((o.terms->>'maxItemsPerWorker')::int
                                - (SELECT count(*) FROM worker_items w WHERE w.worker_id = @UserId AND w.order_id = o.order_id))::int
                               AS items_left) left_for_me
        WHERE o.completed_at IS NULL AND (left_for_me.items_left IS NULL OR left_for_me.items_left > 0)
          AND (o.audience = 'crowd' AND required_clearance_rank(o.data_grade, o.personal_information) <= me.clearance
                                    AND o.required_qualifications <@ me.qualifications
               OR o.audience = 'team' AND EXISTS (SELECT 1 FROM team_members m
                                                  WHERE m.vendor_org_id = o.payer_vendor_org_id AND m.worker_id = @UserId))
          AND NOT EXISTS (SELECT 1 FROM worker_order_quality q
                          WHERE q.worker_id = @UserId AND q.order_id = o.order_id AND q.suspended_until > now())
          AND (EXISTS (SELECT 1 FROM assignments a WHERE a.order_id = o.order_id AND a.status = 'open')
               OR EXISTS (SELECT 1 FROM assignments a WHERE a.order_id = o.order_id AND a.status = 'leased' AND a.lease_expires_at < now()))
        ORDER BY o.created_at, o.order_id
        LIMIT 20
        """;

    /// <summary>
    /// A lapsed lease is claimable again at once: before claiming in an order, the claim returns that order's lapsed slots
    /// to the pool (in its own transaction, so the claim statement that follows sees them). The slot keeps its last worker
    /// (told the lease expired if they submit late), who never gets the item again (worker_items). Rows another claim is
    /// reopening are skipped, never waited for. The lease-sweep job does the same for orders nobody is claiming from.
    /// </summary>
    private const string ReopenLapsedSql = """
        UPDATE assignments SET status = 'open', lease_expires_at = NULL, leased_at = NULL, lapsed_count = lapsed_count + 1
        WHERE id IN (SELECT id FROM assignments
                     WHERE order_id = @orderId AND status = 'leased' AND lease_expires_at < now()
                     ORDER BY lease_expires_at
                     LIMIT 100
                     FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>
    /// Claims up to <c>size</c> slots of one order in one statement. It walks the order's open slots in the partial
    /// index, lane after lane, each from its own start (see <see cref="ClaimQueueHead"/>); within a lane the slots of
    /// items the model is least sure of come first (claim_priority), and the lanes are walked in the order of the
    /// priority at their front (one index probe each, not locked), ties in this claim's turn of lanes, so the claim takes
    /// the least sure work in the order while concurrent claimers still spread over the lanes that share it; skipping the worker's items and the slots others have
    /// locked (SKIP LOCKED: never waited for), locks `size` of them, one per item, leases them, remembers the items
    /// handed out (the worker never gets them again) and records each as a view of its content. Every slot locked is
    /// one the other claimers at the head of the queue must skip, so a claim locks no more than it takes.
    /// Whether the worker may take the order at all (clearance, qualifications, suspension) was read just before, in
    /// the same transaction (<see cref="EligibilitySql"/>, or <see cref="OrdersWithWorkSql"/> for a claim without an
    /// order), keeping this statement small.
    /// </summary>
    private static string ClaimInOrderSql(int size) => $"""
        WITH
        starts AS (
            SELECT l.lane, l.from_priority, l.from_created_at, l.from_id, l.turn
            FROM unnest(@lanes::smallint[], @fromPriorities::smallint[], @fromCreatedAts::timestamptz[], @fromIds::uuid[])
                 WITH ORDINALITY AS l(lane, from_priority, from_created_at, from_id, turn)),
        lanes AS MATERIALIZED ( -- materialised: the walk below takes the lanes in this order and stops when it has enough
            SELECT l.*, f.front FROM starts l CROSS JOIN LATERAL (
                SELECT a.claim_priority AS front FROM assignments a
                WHERE a.order_id = @orderId AND a.lane = l.lane AND a.status = 'open'
                  AND (a.order_id, a.lane, a.claim_priority, a.created_at, a.id) >= (@orderId, l.lane, l.from_priority, l.from_created_at, l.from_id)
                ORDER BY a.order_id, a.lane, a.claim_priority, a.created_at, a.id
                LIMIT 1) f
            ORDER BY f.front, l.turn),
        locked AS (
            SELECT s.* FROM lanes l CROSS JOIN LATERAL (
                SELECT a.id, a.order_id, a.item_id, a.created_at, a.claim_priority FROM assignments a
                WHERE a.order_id = @orderId AND a.lane = l.lane AND a.status = 'open'
                  AND (a.order_id, a.lane, a.claim_priority, a.created_at, a.id) >= (@orderId, l.lane, l.from_priority, l.from_created_at, l.from_id)
                  AND NOT EXISTS (SELECT 1 FROM worker_items w
                                  WHERE w.worker_id = @UserId AND w.order_id = a.order_id AND w.item_id = a.item_id
                                  OFFSET 0) -- a probe per slot, never a join over everything the worker has done
                  {(size == 1 ? "" : SuiteProbe)}
                ORDER BY a.order_id, a.lane, a.claim_priority, a.created_at, a.id
                LIMIT {size}
                FOR UPDATE OF a SKIP LOCKED) s
            LIMIT {size}),
        one_per_item AS (
            SELECT DISTINCT ON (item_id) id, created_at, claim_priority FROM locked ORDER BY item_id, claim_priority, created_at, id),
        chosen AS (
            SELECT id FROM one_per_item ORDER BY claim_priority, created_at, id LIMIT {size}),
        claimed AS (
            UPDATE assignments a
            SET status = 'leased', worker_id = @UserId, leased_at = now(),
                lease_expires_at = now() + coalesce(make_interval(secs => o.lease_seconds), @lease)
            FROM chosen, task_orders o
            WHERE a.id = chosen.id AND o.order_id = a.order_id
            RETURNING a.id AS assignment_id, a.order_id, a.item_id, a.content, o.task_type, o.labels,
                      o.worker_reward AS reward, o.currency, a.lease_expires_at,
                      o.multi_label, o.criteria::text AS criteria_json, a.rework_finding, a.created_at, a.lane, a.claim_priority,
                      a.prelabel::text AS prelabel_json),
        remembered AS (
            INSERT INTO worker_items (worker_id, order_id, item_id)
            SELECT @UserId, order_id, item_id FROM claimed
            ON CONFLICT DO NOTHING),
        audited AS (
            INSERT INTO content_views (order_id, item_id, assignment_id, viewer_id, viewer_org_id, viewer_role, how)
            SELECT order_id, item_id, assignment_id, @UserId, @OrgId, 'worker', 'worker_claim' FROM claimed)
        SELECT * FROM claimed
        """;

    /// <summary>
    /// A suite needs distinct items: only an item's first open slot is a candidate, so locking N slots gives N items (a
    /// single claim skips the probe).
    /// </summary>
    private const string SuiteProbe = """
        AND NOT EXISTS (SELECT 1 FROM assignments b
                        WHERE b.order_id = a.order_id AND b.item_id = a.item_id AND b.slot < a.slot AND b.status = 'open')
        """;

    /// <summary>
    /// The claim statement for each suite size. The size is written into the text, not passed: with LIMIT as a parameter
    /// PostgreSQL costs a generic plan as if a tenth of the order's slots were wanted, so it planned every call afresh
    /// (1.5 ms of the claim); with the number in the text the prepared statement's generic plan is chosen and reused.
    /// </summary>
    private static readonly string[] ClaimInOrderSqlBySize = Enumerable.Range(0, MaxSuiteSize + 1).Select(ClaimInOrderSql).ToArray();

    private static async Task<List<Response>> ClaimInOrderAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Caller caller,
        Guid orderId, int size, int[] lanes, ClaimQueueHead.Position[] from, TasksOptions options) =>
        (await connection.QueryAsync<Response>(ClaimInOrderSqlBySize[size], new
        {
            caller.UserId, caller.OrgId, orderId, lease = options.LeaseDuration,
            lanes = lanes.Select(l => (short)l).ToArray(), fromPriorities = from.Select(f => f.Priority).ToArray(), fromCreatedAts = from.Select(f => f.CreatedAt).ToArray(), fromIds = from.Select(f => f.Id).ToArray(),
        }, tx)).AsList();
}
