using Dapper;
using FluentValidation;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Features.Supermarket;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// Disputes over a contracted order's acceptance. Its enterprise opens one when a delivery failed acceptance twice, its
/// vendor when it contests a failed acceptance; either way the order is in rework and stops, disputed, with the evidence
/// (bounded text). An operator decides: release (paid as if accepted), partial (an amount or a percent of the contract
/// price to the vendor side, the rest back to the enterprise) or refund (what escrow holds goes back; approved work
/// keeps its pay). The decision closes the order and goes out as DisputeDecided: settlement books it, bidding records it.
/// Only the order's enterprise and its contract's vendor see a dispute (another organisation's: 404); operators all.
/// </summary>
public static class Disputes
{
    public const int MaxEvidenceLength = 4000;

    public sealed record OpenRequest(string Evidence);

    public sealed record DecisionRequest(string Outcome, decimal? VendorAmount, decimal? VendorPercent, string? Note);

    public sealed record DisputeView(Guid Id, Guid OrderId, Guid ContractId, Guid EnterpriseOrgId, Guid VendorOrgId, string OpenedBy,
        string Evidence, string Status, string? Outcome, decimal? VendorAmount, string? Note, DateTime OpenedAt, DateTime? DecidedAt,
        decimal ContractPrice, string Currency, string OrderStatus);

    public sealed class OpenValidator : AbstractValidator<OpenRequest>
    {
        public OpenValidator() => RuleFor(r => r.Evidence).NotEmpty().MaximumLength(MaxEvidenceLength);
    }

    public sealed class DecisionValidator : AbstractValidator<DecisionRequest>
    {
        public DecisionValidator()
        {
            RuleFor(r => r.Outcome).NotEmpty().Must(o => o is "release" or "partial" or "refund")
                .WithMessage("'Outcome' must be release, partial or refund.");
            RuleFor(r => r.Note).MaximumLength(2000);
            RuleFor(r => r).Must(r => r.VendorAmount is null ^ r.VendorPercent is null).When(r => r.Outcome == "partial")
                .OverridePropertyName("VendorAmount").WithMessage("A partial release states either 'VendorAmount' or 'VendorPercent'.");
            RuleFor(r => r).Must(r => r.VendorAmount is null && r.VendorPercent is null).When(r => r.Outcome != "partial")
                .OverridePropertyName("VendorAmount").WithMessage("Only a partial release states an amount or a percent.");
            RuleFor(r => r.VendorAmount).GreaterThan(0).Must(a => a is null || decimal.Round(a.Value, 2) == a)
                .WithMessage("'VendorAmount' has at most 2 decimal places (fen).");
            RuleFor(r => r.VendorPercent).ExclusiveBetween(0m, 100m);
        }
    }

    public static RouteGroupBuilder MapOrderDisputes(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/disputes", Open).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor)).RequireOrgRole(OrgPermission.Review)
            .Validate<OpenRequest>().Produces<DisputeView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    public static RouteGroupBuilder MapDisputes(this RouteGroupBuilder group)
    {
        var parties = new[] { Roles.Enterprise, Roles.Vendor, Roles.Operator };
        group.MapGet("/", List).RequireAuthorization(p => p.RequireRole(parties)).Produces<PageOf<DisputeView>>();
        group.MapGet("/{id:guid}", Get).RequireAuthorization(p => p.RequireRole(parties)).Produces<DisputeView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/decision", Decide).RequireAuthorization(Roles.Operator).Validate<DecisionRequest>().WithIdempotencyKey()
            .Produces<DisputeView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private const string Select = """
        SELECT d.id, d.order_id, d.contract_id, d.enterprise_org_id, d.vendor_org_id, d.opened_by, d.evidence, d.status, d.outcome,
               d.vendor_amount, d.note, d.opened_at, d.decided_at, o.contract_price, o.currency, o.status AS order_status
        FROM disputes d JOIN orders o ON o.id = d.order_id
        """;

    private const string Scope = "(@operator OR d.enterprise_org_id = @OrgId OR d.vendor_org_id = @OrgId)";

    private sealed record OrderRow(Guid Id, Guid EnterpriseOrgId, Guid? AwardedVendorOrgId, Guid? ContractId, string Status);

    private static async Task<IResult> Open(Guid id, OpenRequest request, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process,
        Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // The order's enterprise, or its contract's vendor; anyone else is told it does not exist.
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>("""
            SELECT id, enterprise_org_id, awarded_vendor_org_id, contract_id, status FROM orders
            WHERE id = @id AND (CASE WHEN @vendor THEN awarded_vendor_org_id ELSE enterprise_org_id END) = @OrgId
            FOR UPDATE
            """, new { id, vendor = caller.Role == Roles.Vendor, caller.OrgId }, tx);
        if (order is null) return Problems.NotFound($"Order {id}");
        if (order.ContractId is null || order.AwardedVendorOrgId is null)
            return Problems.Conflict($"Order {id} has no contract: only a contracted order's acceptance can be disputed.", "no_contract");
        var failed = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM acceptance_rounds WHERE order_id = @id AND status = 'failed'", new { id }, tx);
        var openedBy = caller.Role == Roles.Vendor ? "vendor" : "enterprise";
        var needed = openedBy == "vendor" ? 1 : 2;
        if (order.Status != OrderProcess.Name(OrderState.Rework) || failed < needed)
        {
            return Problems.Conflict(openedBy == "vendor"
                ? $"Order {id} is {order.Status}; a vendor disputes a failed acceptance while the order is in rework."
                : $"Order {id} is {order.Status} after {failed} failed acceptance(s); an enterprise disputes after a delivery failed acceptance twice.",
                order.Status);
        }

        // Rework packages at work would go on being paid from an escrow the decision settles: finish (or cancel) them first.
        if (await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM work_packages WHERE order_id = @id AND rework_round IS NOT NULL AND status = 'working')", new { id }, tx))
            return Problems.Conflict($"Order {id}'s failed items are being reworked; the next delivery's sample can be disputed.", "reworking",
                "dispute.rework_in_progress");
        var moved = await process.FireAsync(tx, id, OrderTrigger.OpenDispute, $"dispute opened by the {openedBy}");
        if (!moved.Moved) return Problems.Conflict($"Order {id} is {OrderProcess.Name(moved.From)}; it cannot be disputed now.", OrderProcess.Name(moved.From));
        var disputeId = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO disputes (id, order_id, contract_id, enterprise_org_id, vendor_org_id, opened_by, opened_by_user, evidence)
            VALUES (@disputeId, @id, @ContractId, @EnterpriseOrgId, @AwardedVendorOrgId, @openedBy, @UserId, @evidence)
            """, new { disputeId, id, order.ContractId, order.EnterpriseOrgId, order.AwardedVendorOrgId, openedBy, caller.UserId,
            evidence = request.Evidence.Trim() }, tx);
        await outbox.AddAsync(tx, new DisputeOpened(disputeId, id, order.ContractId.Value, order.EnterpriseOrgId, order.AwardedVendorOrgId.Value,
            openedBy, clock.GetUtcNow()));
        var view = await connection.QuerySingleAsync<DisputeView>($"{Select} WHERE d.id = @disputeId", new { disputeId }, tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/disputes/{disputeId}", view);
    }

    /// <summary>The caller's disputes (an operator's: all), by status; <paramref name="orderId"/> finds one order's (the order
    /// page and the contract page show the dispute of their order).</summary>
    private static async Task<IResult> List(string? status, Guid? orderId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (status is not null and not ("open" or "decided"))
            return Problems.BadRequest("status", "'status' must be open or decided.", "validation.not_allowed");
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var where = $"WHERE {Scope} AND (@status::text IS NULL OR d.status = @status) AND (@orderId::uuid IS NULL OR d.order_id = @orderId)";
        var args = new { @operator = caller.IsOperator, caller.OrgId, status, orderId, take = size, skip = (number - 1) * size };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM disputes d {where}", args);
        // Operators work the oldest open dispute first.
        var items = (await connection.QueryAsync<DisputeView>($"{Select} {where} ORDER BY d.opened_at, d.id LIMIT @take OFFSET @skip", args)).ToList();
        return TypedResults.Ok(new PageOf<DisputeView>(items, total, number, size));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var view = await connection.QuerySingleOrDefaultAsync<DisputeView>($"{Select} WHERE d.id = @id AND {Scope}",
            new { id, @operator = caller.IsOperator, caller.OrgId });
        return view is null ? Problems.NotFound($"Dispute {id}") : TypedResults.Ok(view);
    }

    private static async Task<IResult> Decide(Guid id, DecisionRequest request, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process)
    {
        var caller = Caller.From(http.User);
        var scope = $"dispute-decision:{id}";
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, request);
        if (answer is not null) return answer;

        var dispute = await connection.QuerySingleOrDefaultAsync<DisputeView>($"{Select} WHERE d.id = @id FOR UPDATE OF d", new { id }, tx);
        if (dispute is null) return Problems.NotFound($"Dispute {id}");
        if (dispute.Status != "open") return Problems.Conflict($"Dispute {id} was decided already ({dispute.Outcome}).", dispute.Status);
        decimal? vendorAmount = request.Outcome != "partial" ? null
            : request.VendorAmount ?? decimal.Round(dispute.ContractPrice * request.VendorPercent!.Value / 100m, 2, MidpointRounding.AwayFromZero);
        if (vendorAmount is { } amount && (amount <= 0 || amount >= dispute.ContractPrice))
            return Problems.Unprocessable($"A partial release gives the vendor side more than 0 and less than the contract price " +
                $"{dispute.ContractPrice:0.00##} {dispute.Currency} (release or refund otherwise).", "dispute.amount_out_of_range");

        await connection.ExecuteAsync("""
            UPDATE disputes SET status = 'decided', outcome = @Outcome, vendor_amount = @vendorAmount, note = nullif(trim(@Note), ''),
                   decided_by = @UserId, decided_at = now()
            WHERE id = @id
            """, new { id, request.Outcome, vendorAmount, request.Note, caller.UserId }, tx);
        // The order closes; the process sends DisputeDecided (OrderCommand.SettleDispute) in this transaction.
        var moved = await process.FireAsync(tx, dispute.OrderId, OrderTrigger.DisputeDecided,
            $"dispute decided: {request.Outcome}" + (vendorAmount is { } v ? $" ({v:0.00##} {dispute.Currency} to the vendor side)" : ""));
        if (!moved.Moved) return Problems.Conflict($"Order {dispute.OrderId} is {OrderProcess.Name(moved.From)}.", OrderProcess.Name(moved.From));
        var view = await connection.QuerySingleAsync<DisputeView>($"{Select} WHERE d.id = @id", new { id }, tx);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status200OK, view);
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }
}
