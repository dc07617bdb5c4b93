using Dapper;
using FluentValidation;
using Marketplace.Contracts.Orders;
using Marketplace.Labeling;
using Marketplace.Orders.Domain;
using Marketplace.Orders.Features.Supermarket;
using Marketplace.Orders.Work;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// A contracted order's work plan, tier by tier. The vendor holding the contract splits the order's items into packages
/// for its team, the crowd (at a reward per answer it sets) or another certified vendor (a sub-contract at an agreed
/// total price, which that vendor accepts or declines); a sub-vendor splits its sub-contract's items the same three ways.
/// Each vendor sees only its own tier: its income, what its packages commit and its margin are nobody else's business.
/// The rules (grade, items left, money left) are <see cref="WorkPlan.Check"/>'s.
/// When the enterprise's acceptance sample fails, the contract holder answers for every item: it sees which items failed
/// (<c>GET .../work/rework</c>) and puts them back to work in rework packages (team or crowd, one more answer per item,
/// at its own cost under the same money guard); when they are done the order is delivered again.
/// </summary>
public static class WorkPackages
{
    public sealed record Request(string? Kind, int? Items, decimal? RewardPerAnswer, Guid? VendorOrgId, decimal? Price);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Kind).NotEmpty().Must(k => k is null || WorkPlan.Kinds.All.Contains(k))
                .WithMessage("'Kind' must be team, crowd or subcontract.");
            RuleFor(r => r.Items).NotNull().InclusiveBetween(1, 10_000_000);
            When(r => r.Kind is WorkPlan.Kinds.Team or WorkPlan.Kinds.Crowd, () =>
            {
                RuleFor(r => r.RewardPerAnswer).NotNull().InclusiveBetween(0m, 1_000_000m).PrecisionScale(20, 4, true);
                RuleFor(r => r.RewardPerAnswer).GreaterThan(0m).When(r => r.Kind == WorkPlan.Kinds.Crowd)
                    .WithMessage("'Reward Per Answer' must be more than 0 for the crowd.");
                RuleFor(r => r.VendorOrgId).Null().WithMessage("'Vendor Org Id' is only for a sub-contract.");
                RuleFor(r => r.Price).Null().WithMessage("'Price' is only for a sub-contract.");
            });
            When(r => r.Kind == WorkPlan.Kinds.Subcontract, () =>
            {
                RuleFor(r => r.VendorOrgId).NotNull().NotEqual(Guid.Empty);
                RuleFor(r => r.Price).NotNull().GreaterThan(0m).LessThanOrEqualTo(1_000_000_000m).PrecisionScale(20, 4, true);
                RuleFor(r => r.RewardPerAnswer).Null().WithMessage("'Reward Per Answer' is only for team or crowd work.");
            });
        }
    }

    public sealed record DeclineRequest(string? Reason);

    public sealed class DeclineValidator : AbstractValidator<DeclineRequest>
    {
        public DeclineValidator() => RuleFor(r => r.Reason).MaximumLength(2000);
    }

    public sealed class PackageView
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public string Status { get; init; } = "";
        public int Items { get; init; }
        public decimal? RewardPerAnswer { get; init; }
        public int? MaxAnswers { get; init; }
        /// <summary>What the package commits of the vendor's income: the most it can cost, or the sub-contract's price.</summary>
        public decimal Committed { get; init; }
        public Guid? ToVendorOrgId { get; init; }
        /// <summary>The sub-vendor's name in the supermarket (its newest listing), null when it lists nothing.</summary>
        public string? ToVendorName { get; init; }
        public decimal? Price { get; init; }
        public string? DeclineReason { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? DecidedAt { get; init; }
        public DateTime? CompletedAt { get; init; }
        /// <summary>The acceptance round whose failed items this package redoes; null for the first work.</summary>
        public int? ReworkRound { get; init; }
    }

    /// <summary>How many of a tier's items each kind of live package holds (the rest are unallocated).</summary>
    public sealed record Split(int Team, int Crowd, int Subcontract);

    /// <remarks><c>Open</c>: packages can be made now (the order is in progress and, one tier down, the sub-contract accepted).
    /// <c>LatePenalty</c>: what the contract holder owes for lateness as of now, already taken from its income (0 one tier down).</remarks>
    public sealed record Plan(Guid OrderId, string Tier, Guid VendorOrgId, Guid? SubcontractId, string DataGrade, string Currency,
        int Items, int Allocated, int Unallocated, int ItemsDone, int MaxAnswers, decimal Income, decimal Committed, decimal Margin,
        PageOf<PackageView> Packages, string Title, string TaskType, DateTime Deadline, bool Open, Split Split, decimal LatePenalty);

    public sealed class Offer
    {
        public Guid Id { get; init; }
        public Guid OrderId { get; init; }
        public Guid FromVendorOrgId { get; init; }
        /// <summary>The offering vendor's name in the supermarket (its newest listing), null when it lists nothing.</summary>
        public string? FromVendorName { get; init; }
        public string Title { get; init; } = "";
        public int Items { get; init; }
        public decimal Price { get; init; }
        public string Currency { get; init; } = "";
        public string Status { get; init; } = "";
        public string DataGrade { get; init; } = "";
        public string TaskType { get; init; } = "";
        public DateTime Deadline { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? DecidedAt { get; init; }
    }

    public static RouteGroupBuilder MapWorkPackages(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}/work", GetPlan).RequireAuthorization(Roles.Vendor)
            .Produces<Plan>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/work/packages", AddPackage).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<Request>().WithIdempotencyKey()
            .Produces<PackageView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id:guid}/work/rework", Rework).RequireAuthorization(Roles.Vendor)
            .Produces<ReworkView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/subcontracts/offers", Offers).RequireAuthorization(Roles.Vendor).Produces<PageOf<Offer>>();
        group.MapPost("/subcontracts/{id:guid}/accept", Accept).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit)
            .Produces<PackageView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/subcontracts/{id:guid}/decline", Decline).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<DeclineRequest>()
            .Produces<PackageView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>The caller's tier of an order: the contract's (its holder) or an accepted sub-contract's (its vendor).</summary>
    private sealed class Tier
    {
        public Guid OrderId { get; init; }
        public string Title { get; init; } = "";
        public string OrderStatus { get; init; } = "";
        public string DataGrade { get; init; } = "";
        public string TaskType { get; init; } = "";
        public DateTime Deadline { get; init; }
        public string Currency { get; init; } = "";
        public Guid ContractId { get; init; }
        public decimal ContractPrice { get; init; }
        public decimal FeePercent { get; init; }
        public decimal MinimumFee { get; init; }
        /// <summary>The contract's late penalty terms, its deliver-by and the order's first delivery (null: not yet).</summary>
        public decimal PenaltyPercentPerDay { get; init; }
        public decimal MaxPenaltyPercent { get; init; }
        public DateTime? DeliverBy { get; init; }
        public DateTime? FirstDeliveredAt { get; init; }
        public int MaxAnswers { get; init; }
        public Guid AwardedVendorOrgId { get; init; }
        public int OrderItems { get; init; }
        public Guid? SubId { get; init; }
        public string? SubStatus { get; init; }
        public decimal? SubPrice { get; init; }
        public int? SubItems { get; init; }
        /// <summary>The newest failed acceptance round and the scope its rework packages' items are allocated in.</summary>
        public int? ReworkRound { get; init; }
        public Guid? ReworkScopeId { get; init; }

        public bool Top(Guid caller) => AwardedVendorOrgId == caller;
        /// <summary>The order is in rework: the contract holder (only) puts the failed items back to work.</summary>
        public bool Rework(Guid caller) => OrderStatus == "rework" && Top(caller) && ReworkRound is not null;
        public Guid Scope(Guid caller) => Top(caller) ? OrderId : SubId!.Value;
        public Guid? Parent(Guid caller) => Top(caller) ? null : SubId;
        public int Items(Guid caller) => Top(caller) ? OrderItems : SubItems!.Value;
        /// <summary>The late penalty the contract holder owes as of now (a sub-vendor bears none: its price was agreed).</summary>
        public decimal Penalty(Guid caller, DateTimeOffset now) => Top(caller)
            ? WorkPlan.PenaltyOwed(ContractPrice, Utc(DeliverBy), Utc(FirstDeliveredAt), now, PenaltyPercentPerDay, MaxPenaltyPercent) : 0m;
        public decimal Income(Guid caller, DateTimeOffset now) => Top(caller)
            ? WorkPlan.ContractIncome(ContractPrice, Penalty(caller, now), FeePercent, MinimumFee) : SubPrice!.Value;
        private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
        public bool Open(Guid caller) => (OrderStatus == "in_progress" && (Top(caller) || SubStatus == "accepted")) || Rework(caller);
    }

    private static Task<Tier?> TierAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid orderId, Guid caller, bool forUpdate) =>
        connection.QuerySingleOrDefaultAsync<Tier>($"""
            SELECT o.id AS order_id, o.status AS order_status, o.data_grade, o.task_type, o.deadline, o.currency, o.contract_id, o.contract_price, o.fee_percent,
                   o.minimum_fee, coalesce((o.terms->'tender'->>'latePenaltyPercentPerDay')::numeric, 0) AS penalty_percent_per_day,
                   coalesce((o.terms->'tender'->>'maxPenaltyPercent')::numeric, 0) AS max_penalty_percent, o.contract_deliver_by AS deliver_by,
                   (SELECT min(t.at) FROM order_transitions t WHERE t.order_id = o.id AND t.to_status = 'delivered') AS first_delivered_at,
                   coalesce(o.overlap_cap, o.overlap) AS max_answers, o.awarded_vendor_org_id,
                   o.title,
                   (SELECT count(*) FROM order_items i WHERE i.order_id = o.id AND i.gold IS NULL)::int AS order_items,
                   s.id AS sub_id, s.status AS sub_status, s.price AS sub_price, s.item_count AS sub_items,
                   r.round AS rework_round, r.rework_scope_id
            FROM orders o
            LEFT JOIN work_packages s ON s.order_id = o.id AND s.kind = 'subcontract' AND s.to_vendor_org_id = @caller
                                     AND s.status IN ('accepted', 'done')
            LEFT JOIN LATERAL (SELECT round, rework_scope_id FROM acceptance_rounds
                               WHERE order_id = o.id AND status = 'failed' ORDER BY round DESC LIMIT 1) r ON true
            WHERE o.id = @orderId AND o.contract_id IS NOT NULL AND (o.awarded_vendor_org_id = @caller OR s.id IS NOT NULL)
            {(forUpdate ? "FOR UPDATE OF o" : "")}
            """, new { orderId, caller }, tx);

    private const string PackageColumns = """
        id, kind, status, item_count AS items, reward_per_answer, max_answers,
        (SELECT l.vendor_name FROM vendor_listings l WHERE l.vendor_org_id = work_packages.to_vendor_org_id
         ORDER BY l.updated_at DESC, l.id LIMIT 1) AS to_vendor_name,
        CASE WHEN kind = 'subcontract' THEN price ELSE item_count * max_answers * reward_per_answer END AS committed,
        to_vendor_org_id, price, decline_reason, created_at, decided_at, completed_at, rework_round
        """;

    private sealed record Counts(int TeamItems, int CrowdItems, int SubcontractItems, int Allocated, decimal Committed, int ItemsDone, long Packages);

    /// <summary>The caller's packages of a tier are those it made in that scope (live ones commit money).</summary>
    private static Task<Counts> CountsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid orderId, Guid scope, Guid? parent, Guid caller) =>
        connection.QuerySingleAsync<Counts>("""
            SELECT coalesce(sum(item_count) FILTER (WHERE kind = 'team' AND status <> 'declined' AND rework_round IS NULL), 0)::int AS team_items,
                   coalesce(sum(item_count) FILTER (WHERE kind = 'crowd' AND status <> 'declined' AND rework_round IS NULL), 0)::int AS crowd_items,
                   coalesce(sum(item_count) FILTER (WHERE kind = 'subcontract' AND status <> 'declined' AND rework_round IS NULL), 0)::int AS subcontract_items,
                   (SELECT count(*) FROM work_package_items WHERE scope_id = @scope)::int AS allocated,
                   coalesce(sum(CASE WHEN kind = 'subcontract' THEN price ELSE item_count * max_answers * reward_per_answer END)
                            FILTER (WHERE status <> 'declined'), 0) AS committed,
                   coalesce(sum(item_count) FILTER (WHERE status = 'done' AND rework_round IS NULL), 0)::int AS items_done,
                   count(*) AS packages
            FROM work_packages
            WHERE order_id = @orderId AND parent_id IS NOT DISTINCT FROM @parent AND vendor_org_id = @caller
            """, new { orderId, scope, parent, caller }, tx);

    private static async Task<IResult> GetPlan(Guid id, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db, TimeProvider clock)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User).OrgId;
        await using var connection = await db.OpenConnectionAsync();
        var tier = await TierAsync(connection, null, id, caller, forUpdate: false);
        if (tier is null) return Problems.NotFound($"Order {id}");
        var (scope, parent) = (tier.Scope(caller), tier.Parent(caller));
        var counts = await CountsAsync(connection, null, id, scope, parent, caller);
        var packages = (await connection.QueryAsync<PackageView>($"""
            SELECT {PackageColumns} FROM work_packages
            WHERE order_id = @id AND parent_id IS NOT DISTINCT FROM @parent AND vendor_org_id = @caller
            ORDER BY created_at, id LIMIT @size OFFSET @offset
            """, new { id, parent, caller, size, offset = (number - 1) * size })).AsList();
        var now = clock.GetUtcNow();
        var income = tier.Income(caller, now);
        var items = tier.Items(caller);
        return TypedResults.Ok(new Plan(id, tier.Top(caller) ? "contract" : "subcontract", caller, tier.Top(caller) ? null : tier.SubId,
            tier.DataGrade, tier.Currency, items, counts.Allocated, items - counts.Allocated, counts.ItemsDone, tier.MaxAnswers,
            income, counts.Committed, income - counts.Committed, new PageOf<PackageView>(packages, counts.Packages, number, size),
            tier.Title, tier.TaskType, tier.Deadline, tier.Open(caller), new Split(counts.TeamItems, counts.CrowdItems, counts.SubcontractItems),
            tier.Penalty(caller, now)));
    }

    private static async Task<IResult> AddPackage(Guid id, Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User).OrgId;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, $"work-package:{caller}:{id}", request);
        if (answer is not null) return answer;

        var tier = await TierAsync(connection, tx, id, caller, forUpdate: true);
        if (tier is null) return Problems.NotFound($"Order {id}");
        if (!tier.Open(caller))
            return Problems.Conflict(tier.Top(caller)
                ? $"Order {id} is {tier.OrderStatus}; work packages are made while it is in progress."
                : $"Your sub-contract of order {id} is {tier.SubStatus}; its work can no longer be split.", tier.OrderStatus, "work.not_open");

        var kind = request.Kind!;
        var items = request.Items!.Value;
        var rework = tier.Rework(caller);
        if (rework && kind == WorkPlan.Kinds.Subcontract)
            return Problems.Unprocessable($"Order {id} is in rework: its failed items go back to your team or the crowd, not to another vendor.",
                "work.rework_not_subcontracted");
        if (kind == WorkPlan.Kinds.Subcontract && await SubVendorRefusalAsync(connection, tx, tier, caller, request.VendorOrgId!.Value) is { } refused)
            return refused;

        var (scope, parent) = (tier.Scope(caller), tier.Parent(caller));
        var counts = await CountsAsync(connection, tx, id, scope, parent, caller);
        // A rework package redoes each failed item once (as a crowd order's rework does), within the same money guard.
        var maxAnswers = rework ? 1 : tier.MaxAnswers;
        var unallocated = rework ? await ReworkLeftAsync(connection, tx, id, tier.ReworkRound!.Value, tier.ReworkScopeId!.Value) : tier.Items(caller) - counts.Allocated;
        var cost = kind == WorkPlan.Kinds.Subcontract ? request.Price!.Value : WorkPlan.MostCost(items, maxAnswers, request.RewardPerAnswer!.Value);
        if (WorkPlan.Check(tier.DataGrade, kind, items, unallocated, tier.Income(caller, clock.GetUtcNow()), counts.Committed, cost) is { } refusal)
            return Problems.Unprocessable(refusal.Detail, refusal.Code);

        var packageId = Guid.CreateVersion7();
        var subcontract = kind == WorkPlan.Kinds.Subcontract;
        await connection.ExecuteAsync("""
            INSERT INTO work_packages (id, order_id, parent_id, vendor_org_id, kind, item_count, reward_per_answer, max_answers,
                                       to_vendor_org_id, price, currency, status, rework_round)
            VALUES (@packageId, @id, @parent, @caller, @kind, @items, @reward, @maxAnswers, @to, @price, @Currency, @status, @reworkRound)
            """, new
        {
            packageId, id, parent, caller, kind, items, reward = subcontract ? null : request.RewardPerAnswer,
            maxAnswers = subcontract ? (int?)null : maxAnswers, to = request.VendorOrgId, price = request.Price, tier.Currency,
            status = subcontract ? "offered" : "working", reworkRound = rework ? tier.ReworkRound : null,
        }, tx);
        // The next unallocated items of the tier, in manifest order (an accepted sub-contract's items for a sub-vendor);
        // in rework, the next failed items of the round that no rework package holds yet.
        var allocated = rework
            ? await connection.ExecuteAsync("""
                INSERT INTO work_package_items (package_id, scope_id, order_id, item_id)
                SELECT @packageId, @ReworkScopeId, @id, s.item_id
                FROM acceptance_samples s JOIN order_items i ON i.order_id = s.order_id AND i.item_id = s.item_id
                WHERE s.order_id = @id AND s.round = @ReworkRound AND s.ok = false
                  AND NOT EXISTS (SELECT 1 FROM work_package_items t WHERE t.scope_id = @ReworkScopeId AND t.item_id = s.item_id)
                ORDER BY i.position, i.item_id
                LIMIT @items
                """, new { packageId, tier.ReworkScopeId, id, tier.ReworkRound, items }, tx)
            : await connection.ExecuteAsync("""
                INSERT INTO work_package_items (package_id, scope_id, order_id, item_id)
                SELECT @packageId, @scope, @id, i.item_id FROM order_items i
                WHERE i.order_id = @id AND i.gold IS NULL
                  AND (@parent::uuid IS NULL OR EXISTS (SELECT 1 FROM work_package_items p WHERE p.package_id = @parent AND p.item_id = i.item_id))
                  AND NOT EXISTS (SELECT 1 FROM work_package_items t WHERE t.scope_id = @scope AND t.item_id = i.item_id)
                ORDER BY i.position, i.item_id
                LIMIT @items
                """, new { packageId, scope, id, parent, items }, tx);
        if (allocated != items) throw new InvalidOperationException($"Order {id}: {items} items counted free but {allocated} allocated");
        if (!subcontract) await PreparePackageWork.EnqueueAsync(tx, packageId);
        else
            await outbox.AddAsync(tx, new SubcontractOffered(packageId, id, caller, request.VendorOrgId!.Value, items, request.Price!.Value, tier.Currency,
                tier.TaskType, tier.DataGrade, new DateTimeOffset(DateTime.SpecifyKind(tier.Deadline, DateTimeKind.Utc)), clock.GetUtcNow()));

        var view = await connection.QuerySingleAsync<PackageView>($"SELECT {PackageColumns} FROM work_packages WHERE id = @packageId", new { packageId }, tx);
        await Idempotency.CompleteAsync(tx, $"work-package:{caller}:{id}", key, StatusCodes.Status201Created, view);
        await tx.CommitAsync();
        return TypedResults.Created($"/orders/{id}/work/packages/{packageId}", view);
    }

    /// <summary>
    /// A sub-vendor is a vendor of the supermarket (a listing or an approved certification), not already in the order's
    /// chain of vendors, and certified for the order's grade (<see cref="DataGrades.MayHandle"/>), as a bidder must be.
    /// </summary>
    private static async Task<IResult?> SubVendorRefusalAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Tier tier, Guid caller, Guid to)
    {
        if (to == caller || to == tier.AwardedVendorOrgId
            || await connection.ExecuteScalarAsync<bool>("""
                SELECT EXISTS (SELECT 1 FROM work_packages WHERE order_id = @OrderId AND kind = 'subcontract' AND to_vendor_org_id = @to AND status <> 'declined')
                """, new { tier.OrderId, to }, tx))
            return Problems.Unprocessable($"Vendor {to} already works on this order; a sub-contract goes to a vendor outside its chain.", "work.vendor_in_chain");
        if (!await connection.ExecuteScalarAsync<bool>("""
                SELECT EXISTS (SELECT 1 FROM vendor_listings WHERE vendor_org_id = @to)
                    OR EXISTS (SELECT 1 FROM vendor_certifications WHERE vendor_org_id = @to AND status = 'approved')
                """, new { to }, tx))
            return Problems.Unprocessable($"Vendor {to} is not a vendor of the supermarket.", "work.unknown_vendor");
        return await UncertifiedAsync(connection, tx, to, tier.DataGrade);
    }

    /// <summary>
    /// 422 <c>work.vendor_not_certified</c> unless the vendor holds an approved certification valid today that covers the
    /// grade (<see cref="DataGrades.MayHandle"/>): when a sub-contract is offered, and again when it is accepted, since a
    /// certification may have expired or been revoked in between.
    /// </summary>
    private static async Task<IResult?> UncertifiedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid vendor, string grade)
    {
        var certificates = (await connection.QueryAsync<(string Grade, DateTime ValidUntil)>(
                "SELECT grade, valid_until FROM vendor_certifications WHERE vendor_org_id = @vendor AND status = 'approved'", new { vendor }, tx))
            .Select(c => (c.Grade, DateOnly.FromDateTime(c.ValidUntil)));
        return DataGrades.MayHandle(certificates, DateOnly.FromDateTime(DateTime.UtcNow), grade) ? null
            : Problems.Unprocessable($"Vendor {vendor} holds no approved, valid certification for {grade}-grade data.", "work.vendor_not_certified");
    }

    /// <summary>Failed items of the round that no rework package holds yet.</summary>
    private static Task<int> ReworkLeftAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid orderId, int round, Guid scope) =>
        connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM acceptance_samples s
            WHERE s.order_id = @orderId AND s.round = @round AND s.ok = false
              AND NOT EXISTS (SELECT 1 FROM work_package_items t WHERE t.scope_id = @scope AND t.item_id = s.item_id)
            """, new { orderId, round, scope }, tx);

    /// <summary>
    /// A failed item of the newest failed acceptance round: what the enterprise found wrong, which of the contract holder's
    /// packages delivered it (a sub-contract names the vendor it went to) and the rework package that redoes it (null: none yet).
    /// </summary>
    public sealed class FailedItem
    {
        public string ItemId { get; init; } = "";
        public string Finding { get; init; } = "";
        public Guid? DeliveredByPackageId { get; init; }
        public string? DeliveredByKind { get; init; }
        public Guid? DeliveredByVendorOrgId { get; init; }
        /// <summary>A sub-vendor's name in the supermarket (its newest listing), null when it lists nothing or the item was not sub-contracted.</summary>
        public string? DeliveredByVendorName { get; init; }
        public Guid? ReworkPackageId { get; init; }
    }

    /// <param name="Open">The order is in rework: rework packages may be made for the items still unallocated.</param>
    public sealed record ReworkView(Guid OrderId, string OrderStatus, int? Round, bool Open, int Failed, int Allocated, int Unallocated,
        PageOf<FailedItem> Items);

    /// <summary>The contract holder's view of what failed acceptance (the newest failed round), paged in manifest order.</summary>
    private static async Task<IResult> Rework(Guid id, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User).OrgId;
        await using var connection = await db.OpenConnectionAsync();
        var tier = await TierAsync(connection, null, id, caller, forUpdate: false);
        // Sub-vendors answer to the contract holder, not to the enterprise: the failed sample is the holder's.
        if (tier is null || !tier.Top(caller)) return Problems.NotFound($"Order {id}");
        if (tier.ReworkRound is not { } round)
            return TypedResults.Ok(new ReworkView(id, tier.OrderStatus, null, false, 0, 0, 0, new PageOf<FailedItem>([], 0, number, size)));
        var failed = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM acceptance_samples WHERE order_id = @id AND round = @round AND ok = false", new { id, round });
        var left = await ReworkLeftAsync(connection, null, id, round, tier.ReworkScopeId!.Value);
        var items = (await connection.QueryAsync<FailedItem>("""
            SELECT s.item_id, s.finding, d.id AS delivered_by_package_id, d.kind AS delivered_by_kind,
                   coalesce(d.to_vendor_org_id, d.vendor_org_id) AS delivered_by_vendor_org_id, rw.package_id AS rework_package_id,
                   (SELECT l.vendor_name FROM vendor_listings l WHERE l.vendor_org_id = d.to_vendor_org_id
                    ORDER BY l.updated_at DESC, l.id LIMIT 1) AS delivered_by_vendor_name
            FROM acceptance_samples s
            JOIN order_items i ON i.order_id = s.order_id AND i.item_id = s.item_id
            LEFT JOIN work_package_items dw ON dw.scope_id = s.order_id AND dw.item_id = s.item_id
            LEFT JOIN work_packages d ON d.id = dw.package_id
            LEFT JOIN work_package_items rw ON rw.scope_id = @scope AND rw.item_id = s.item_id
            WHERE s.order_id = @id AND s.round = @round AND s.ok = false
            ORDER BY i.position, i.item_id LIMIT @size OFFSET @offset
            """, new { id, round, scope = tier.ReworkScopeId, size, offset = (number - 1) * size })).AsList();
        return TypedResults.Ok(new ReworkView(id, tier.OrderStatus, round, tier.Rework(caller), failed, failed - left, left,
            new PageOf<FailedItem>(items, failed, number, size)));
    }

    private static async Task<IResult> Offers(string? status, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        if (status is not (null or "offered" or "accepted" or "declined" or "done"))
            return Problems.BadRequest("status", "'status' must be offered, accepted, declined or done.");
        var caller = Caller.From(http.User).OrgId;
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync("""
            SELECT p.id, p.order_id, p.vendor_org_id AS from_vendor_org_id,
                   (SELECT l.vendor_name FROM vendor_listings l WHERE l.vendor_org_id = p.vendor_org_id
                    ORDER BY l.updated_at DESC, l.id LIMIT 1) AS from_vendor_name,
                   o.title, p.item_count AS items, p.price, p.currency, p.status,
                   o.data_grade, o.task_type, o.deadline, p.created_at, p.decided_at
            FROM work_packages p JOIN orders o ON o.id = p.order_id
            WHERE p.kind = 'subcontract' AND p.to_vendor_org_id = @caller AND (@status::text IS NULL OR p.status = @status)
            ORDER BY p.created_at DESC, p.id LIMIT @size OFFSET @offset;
            SELECT count(*) FROM work_packages
            WHERE kind = 'subcontract' AND to_vendor_org_id = @caller AND (@status::text IS NULL OR status = @status);
            """, new { caller, status, size, offset = (number - 1) * size });
        var items = (await read.ReadAsync<Offer>()).AsList();
        return TypedResults.Ok(new PageOf<Offer>(items, await read.ReadSingleAsync<long>(), number, size));
    }

    private sealed record Addressed(Guid OrderId, string Status, Guid VendorOrgId, int ItemCount, decimal Price, string Currency);

    /// <summary>Locks the order's row first (as making a package does), then the sub-contract addressed to the caller.</summary>
    private static async Task<Addressed?> AddressedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Guid caller)
    {
        var orderId = await connection.ExecuteScalarAsync<Guid?>(
            "SELECT order_id FROM work_packages WHERE id = @id AND kind = 'subcontract' AND to_vendor_org_id = @caller", new { id, caller }, tx);
        if (orderId is null) return null;
        await connection.ExecuteAsync("SELECT 1 FROM orders WHERE id = @orderId FOR UPDATE", new { orderId }, tx);
        return await connection.QuerySingleAsync<Addressed>(
            "SELECT order_id, status, vendor_org_id, item_count, price, currency FROM work_packages WHERE id = @id", new { id }, tx);
    }

    private static async Task<IResult> Accept(Guid id, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User).OrgId;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var offer = await AddressedAsync(connection, tx, id, caller);
        if (offer is null) return Problems.NotFound($"Sub-contract {id}");
        if (offer.Status != "offered") return Problems.Conflict($"Sub-contract {id} is {offer.Status}; only an offered one can be accepted.", offer.Status);
        var order = await connection.QuerySingleAsync<(string Status, Guid ContractId, string DataGrade)>(
            "SELECT status, contract_id, data_grade FROM orders WHERE id = @OrderId", offer, tx);
        if (order.Status != "in_progress")
            return Problems.Conflict($"Order {offer.OrderId} is {order.Status}; its sub-contracts can no longer be accepted.", order.Status, "work.not_open");
        if (await UncertifiedAsync(connection, tx, caller, order.DataGrade) is { } uncertified) return uncertified;
        await connection.ExecuteAsync("UPDATE work_packages SET status = 'accepted', decided_at = now() WHERE id = @id", new { id }, tx);
        await outbox.AddAsync(tx, new SubcontractAgreed(id, offer.OrderId, order.ContractId, offer.VendorOrgId, caller,
            offer.ItemCount, offer.Price, offer.Currency, clock.GetUtcNow()));
        var view = await connection.QuerySingleAsync<PackageView>($"SELECT {PackageColumns} FROM work_packages WHERE id = @id", new { id }, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }

    /// <summary>A declined sub-contract's items are free again in the tier that offered it.</summary>
    private static async Task<IResult> Decline(Guid id, DeclineRequest request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User).OrgId;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var offer = await AddressedAsync(connection, tx, id, caller);
        if (offer is null) return Problems.NotFound($"Sub-contract {id}");
        if (offer.Status != "offered") return Problems.Conflict($"Sub-contract {id} is {offer.Status}; only an offered one can be declined.", offer.Status);
        await connection.ExecuteAsync("""
            UPDATE work_packages SET status = 'declined', decided_at = now(), decline_reason = @Reason WHERE id = @id;
            DELETE FROM work_package_items WHERE package_id = @id;
            """, new { id, request.Reason }, tx);
        await outbox.AddAsync(tx, new SubcontractDeclined(id, offer.OrderId, offer.VendorOrgId, caller, offer.ItemCount, request.Reason, clock.GetUtcNow()));
        var view = await connection.QuerySingleAsync<PackageView>($"SELECT {PackageColumns} FROM work_packages WHERE id = @id", new { id }, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }
}
