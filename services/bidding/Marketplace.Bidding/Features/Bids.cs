using Dapper;
using FluentValidation;
using Marketplace.Bidding.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>
/// Sealed bids: a vendor places one live bid per call, may revise or withdraw it until the deadline, and then it is
/// frozen. Every version is kept (bid_revisions). A bid is checked against the call under the call's share lock, so the
/// close (which takes the call's update lock) sees either all of it or none of it.
/// </summary>
public static class Bids
{
    public sealed record BidRequest(string? PriceKind, decimal? Amount, DateTimeOffset? DeliverBy, int? TeamSize, string? Proposal);

    public sealed class Validator : AbstractValidator<BidRequest>
    {
        public Validator()
        {
            RuleFor(r => r.PriceKind).NotEmpty().Must(k => k is null || Domain.PriceKind.All.Contains(k))
                .WithMessage("'Price Kind' must be per_item or total.");
            RuleFor(r => r.Amount).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000_000_000_000m)
                .Must(a => a is null || decimal.Round(a.Value, 4) == a.Value).WithMessage("'Amount' has at most 4 decimal places.");
            RuleFor(r => r.DeliverBy).NotNull();
            RuleFor(r => r.TeamSize).NotNull().InclusiveBetween(1, 100_000);
            RuleFor(r => r.Proposal).NotEmpty().MaximumLength(10_000);
        }
    }

    public sealed record BidView(Guid Id, Guid CallId, Guid OrderId, string CallTitle, string CallStatus, DateTime BidDeadline, string PriceKind,
        decimal Amount, decimal Price, string Currency, DateTime DeliverBy, int TeamSize, string Proposal, string Status, int Revision,
        DateTime PlacedAt, DateTime UpdatedAt, Guid? ContractId);

    public sealed record RevisionView(int Revision, string Action, string PriceKind, decimal Amount, decimal Price, DateTime DeliverBy,
        int TeamSize, string Proposal, DateTime At);

    private const string Select = """
        SELECT b.id, b.call_id, c.order_id, c.title AS call_title, c.status AS call_status, c.bid_deadline, b.price_kind, b.amount, b.price,
               c.currency, b.deliver_by, b.team_size, b.proposal, b.status, b.revision, b.placed_at, b.updated_at,
               (SELECT k.id FROM contracts k WHERE k.bid_id = b.id) AS contract_id
        FROM bids b JOIN calls c ON c.id = b.call_id
        """;

    public static RouteGroupBuilder MapPlaceBid(this RouteGroupBuilder calls)
    {
        calls.MapPost("/{id:guid}/bids", Place).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<BidRequest>().RetryOnDeadlock()
            .Produces<BidView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return calls;
    }

    public static RouteGroupBuilder MapBids(this RouteGroupBuilder bids)
    {
        bids.MapGet("/mine", Mine).RequireAuthorization(Roles.Vendor).Produces<PageOf<BidView>>();
        bids.MapGet("/{id:guid}", Get).RequireAuthorization(Roles.Vendor).Produces<BidView>().ProducesProblem(StatusCodes.Status404NotFound);
        bids.MapPut("/{id:guid}", Revise).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<BidRequest>().RetryOnDeadlock()
            .Produces<BidView>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        bids.MapDelete("/{id:guid}", Withdraw).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).RetryOnDeadlock()
            .Produces<BidView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        bids.MapGet("/{id:guid}/revisions", Revisions).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Enterprise, Roles.Operator))
            .Produces<PageOf<RevisionView>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return bids;
    }

    private static async Task<IResult> Place(Guid id, BidRequest request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var call = await CallRows.FindAsync(connection, id, tx, "FOR SHARE");
        if (call is null) return Problems.NotFound($"Call {id}");
        if (await RefusedAsync(connection, tx, caller, call) is { } refused) return refused;
        if (await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM bids WHERE call_id = @id AND vendor_org_id = @OrgId AND status = 'live'",
                new { id, caller.OrgId }, tx) is { } live)
            return Problems.Conflict($"Your organisation already has a live bid ({live}) on call {id}: revise it (PUT /bids/{live}) or withdraw it first.",
                new { bidId = live }, code: "bid.live_exists");
        if (Priced(call, request, out var price) is { } invalid) return invalid;
        var bidId = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO bids (id, call_id, vendor_org_id, price_kind, amount, price, deliver_by, team_size, proposal, placed_at, updated_at)
            VALUES (@bidId, @id, @OrgId, @PriceKind, @Amount, @price, @deliverBy, @TeamSize, @Proposal, clock_timestamp(), clock_timestamp())
            """, new { bidId, id, caller.OrgId, request.PriceKind, request.Amount, price, deliverBy = request.DeliverBy!.Value.UtcDateTime, request.TeamSize, request.Proposal }, tx);
        await AuditAsync(tx, bidId, "placed", caller);
        await tx.CommitAsync();
        return TypedResults.Created($"/bids/{bidId}", await FindAsync(connection, bidId, caller.OrgId));
    }

    private static async Task<IResult> Revise(Guid id, BidRequest request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (call, status) = await LockAsync(connection, tx, id, caller);
        if (call is null) return Problems.NotFound($"Bid {id}");
        if (await RefusedAsync(connection, tx, caller, call) is { } refused) return refused;
        if (status != BidStatus.Live) return Problems.Conflict($"Bid {id} is {status}: only a live bid can be revised.", status);
        if (Priced(call, request, out var price) is { } invalid) return invalid;
        await connection.ExecuteAsync("""
            UPDATE bids SET price_kind = @PriceKind, amount = @Amount, price = @price, deliver_by = @deliverBy, team_size = @TeamSize,
                            proposal = @Proposal, revision = revision + 1, updated_at = clock_timestamp()
            WHERE id = @id
            """, new { id, request.PriceKind, request.Amount, price, deliverBy = request.DeliverBy!.Value.UtcDateTime, request.TeamSize, request.Proposal }, tx);
        await AuditAsync(tx, id, "revised", caller);
        await tx.CommitAsync();
        return TypedResults.Ok(await FindAsync(connection, id, caller.OrgId));
    }

    private static async Task<IResult> Withdraw(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (call, status) = await LockAsync(connection, tx, id, caller);
        if (call is null) return Problems.NotFound($"Bid {id}");
        if (!call.TakesBids) return Frozen(call);
        if (status != BidStatus.Live) return Problems.Conflict($"Bid {id} is {status}: only a live bid can be withdrawn.", status);
        await connection.ExecuteAsync("UPDATE bids SET status = 'withdrawn', revision = revision + 1, updated_at = clock_timestamp() WHERE id = @id",
            new { id }, tx);
        await AuditAsync(tx, id, "withdrawn", caller);
        await tx.CommitAsync();
        return TypedResults.Ok(await FindAsync(connection, id, caller.OrgId));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        return await FindAsync(connection, id, caller.OrgId) is { } bid ? TypedResults.Ok(bid) : Problems.NotFound($"Bid {id}");
    }

    /// <summary>The vendor's own bids, newest first, with each call's state and, once decided, the result (won: the contract).</summary>
    /// <param name="callId">Only the bids on this call (the call's page finds the vendor's bid with it).</param>
    private static async Task<IResult> Mine(string? status, Guid? callId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (status is not null && !BidStatus.All.Contains(status))
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", BidStatus.All)}.");
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        const string where = "WHERE b.vendor_org_id = @OrgId AND (@status::text IS NULL OR b.status = @status) AND (@callId::uuid IS NULL OR b.call_id = @callId)";
        var args = new { caller.OrgId, status, callId, take = size, skip = (number - 1) * size };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM bids b {where}", args);
        var items = (await connection.QueryAsync<BidView>($"{Select} {where} ORDER BY b.placed_at DESC, b.id LIMIT @take OFFSET @skip", args)).ToList();
        return TypedResults.Ok(new PageOf<BidView>(items, total, number, size));
    }

    /// <summary>
    /// A bid's every version: its vendor any time; the call's enterprise and operators once the deadline has passed
    /// (before it they are sealed: 409).
    /// </summary>
    private static async Task<IResult> Revisions(Guid id, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var bid = await connection.QuerySingleOrDefaultAsync<BidOwner>("SELECT call_id, vendor_org_id FROM bids WHERE id = @id", new { id });
        if (bid is null) return Problems.NotFound($"Bid {id}");
        var call = (await CallRows.FindAsync(connection, bid.CallId))!;
        var mine = caller.Role == Roles.Vendor && bid.VendorOrgId == caller.OrgId;
        var entitled = caller.IsOperator || (caller.Role == Roles.Enterprise && call.EnterpriseOrgId == caller.OrgId);
        if (!mine && !entitled) return Problems.NotFound($"Bid {id}");
        if (!mine && call.IsSealed) return Sealed(call);
        var args = new { id, take = size, skip = (number - 1) * size };
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM bid_revisions WHERE bid_id = @id", args);
        var items = (await connection.QueryAsync<RevisionView>("""
            SELECT revision, action, price_kind, amount, price, deliver_by, team_size, proposal, at FROM bid_revisions
            WHERE bid_id = @id ORDER BY revision LIMIT @take OFFSET @skip
            """, args)).ToList();
        return TypedResults.Ok(new PageOf<RevisionView>(items, total, number, size));
    }

    /// <summary>The call and the bid's status, locked in the lock order (call, then bid); null when the bid is not the caller's.</summary>
    private static async Task<(CallRow? Call, string Status)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Caller caller)
    {
        var callId = await connection.ExecuteScalarAsync<Guid?>("SELECT call_id FROM bids WHERE id = @id AND vendor_org_id = @OrgId",
            new { id, caller.OrgId }, tx);
        if (callId is null) return (null, "");
        var call = await CallRows.FindAsync(connection, callId.Value, tx, "FOR SHARE");
        var status = await connection.ExecuteScalarAsync<string>("SELECT status FROM bids WHERE id = @id FOR UPDATE", new { id }, tx);
        return (call, status!);
    }

    /// <summary>Who may not bid, and when no one may: 404 outside the audience, 403 without the grade, 409 once frozen.</summary>
    private static async Task<IResult?> RefusedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Caller caller, CallRow call)
    {
        var qualification = await CallRows.QualificationAsync(connection, caller.OrgId, tx);
        var invited = call.InvitedVendorOrgIds.Contains(caller.OrgId);
        var hasBid = await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM bids WHERE call_id = @Id AND vendor_org_id = @OrgId)",
            new { call.Id, caller.OrgId }, tx);
        if (!hasBid && !CallAudience.Sees(qualification, call.Today, call.DataGrade, call.TaskType, call.Industry, invited))
            return Problems.NotFound($"Call {call.Id}");
        if (!call.TakesBids) return Frozen(call);
        if (!CallAudience.MayBid(qualification, call.Today, call.DataGrade))
            return TypedResults.Problem(title: "Certification required", statusCode: StatusCodes.Status403Forbidden,
                detail: $"Bidding on {call.DataGrade} data needs an approved, valid certification covering that grade.",
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "bid.certification_required", ["dataGrade"] = call.DataGrade });
        return null;
    }

    /// <summary>The bid's total (per item x items, or the total) within the budget, delivered after now and by the order's deadline.</summary>
    private static IResult? Priced(CallRow call, BidRequest request, out decimal price)
    {
        price = request.PriceKind == PriceKind.PerItem ? request.Amount!.Value * call.ItemCount : request.Amount!.Value;
        var deliverBy = request.DeliverBy!.Value.UtcDateTime;
        if (deliverBy <= call.Now) return Problems.BadRequest("deliverBy", "'deliverBy' must be in the future.", code: "bid.deliver_by_past");
        if (deliverBy > call.OrderDeadline)
            return Problems.BadRequest("deliverBy", $"'deliverBy' must be at or before the order's deadline ({call.OrderDeadline:O}).",
                code: "bid.deliver_by_after_deadline");
        if (price > call.Budget)
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "Over the budget",
                Detail = $"The bid comes to {price} {call.Currency}, over the call's budget of {call.Budget} {call.Currency}.",
                Extensions =
                {
                    ["errors"] = new Dictionary<string, string[]> { ["amount"] = [$"The total ({price}) is over the budget ({call.Budget})."] },
                    [ProblemCodes.Extension] = "bid.over_budget",
                    [ProblemCodes.FieldCodes] = new Dictionary<string, string[]> { ["amount"] = ["bid.over_budget"] },
                },
            });
        return null;
    }

    private static IResult Frozen(CallRow call) =>
        Problems.Conflict($"Bids on call {call.Id} are frozen: its deadline ({call.BidDeadline:O}) has passed or it is {call.Status}.",
            new { status = call.Status, bidDeadline = call.BidDeadline }, code: "bid.frozen");

    public static IResult Sealed(CallRow call) =>
        Problems.Conflict($"Bids on call {call.Id} are sealed until its deadline ({call.BidDeadline:O}).",
            new { status = call.Status, bidDeadline = call.BidDeadline }, code: "bid.sealed");

    private static Task AuditAsync(NpgsqlTransaction tx, Guid bidId, string action, Caller caller) =>
        tx.Connection!.ExecuteAsync("""
            INSERT INTO bid_revisions (bid_id, revision, action, price_kind, amount, price, deliver_by, team_size, proposal, by_user_id, at)
            SELECT id, revision, @action, price_kind, amount, price, deliver_by, team_size, proposal, @UserId, clock_timestamp() FROM bids WHERE id = @bidId
            """, new { bidId, action, caller.UserId }, tx);

    private sealed record BidOwner(Guid CallId, Guid VendorOrgId);

    private static Task<BidView?> FindAsync(NpgsqlConnection connection, Guid id, Guid vendorOrgId) =>
        connection.QuerySingleOrDefaultAsync<BidView>($"{Select} WHERE b.id = @id AND b.vendor_org_id = @vendorOrgId", new { id, vendorOrgId });
}
