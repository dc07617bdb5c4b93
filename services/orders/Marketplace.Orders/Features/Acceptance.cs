using Dapper;
using FluentValidation;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Domain;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// Acceptance sampling. Each delivery draws a random sample of the order's items (a round); the enterprise judges every
/// sampled item right or wrong, with a finding for each wrong one. If the share right reaches the order's pass
/// threshold the order is accepted: settlement releases its unspent escrow and the order closes. Otherwise it goes
/// back for rework: the items found wrong get one more answer each (paid from the wallet, through escrow), the
/// workers see the findings, and the next delivery draws a new sample. A contracted order's rework is its vendor's, at
/// its own cost (WorkPackages' rework packages): nothing is taken from the wallet, and the vendor is told.
/// </summary>
public static class Acceptance
{
    public const int MaxFindingLength = 2000;

    public sealed record Verdict(string ItemId, bool? Ok, string? Finding);

    public sealed record Decision(int Round, Verdict[] Verdicts);

    public sealed class DecisionValidator : AbstractValidator<Decision>
    {
        public DecisionValidator()
        {
            RuleFor(d => d.Round).GreaterThan(0);
            RuleFor(d => d.Verdicts).NotEmpty().Must(v => v.Length <= 5_000).WithMessage("'Verdicts' holds at most 5000 items.");
            RuleForEach(d => d.Verdicts).ChildRules(v =>
            {
                v.RuleFor(x => x.ItemId).NotEmpty().MaximumLength(200);
                v.RuleFor(x => x.Ok).NotNull().WithMessage("'Ok' must say whether the item is right (true) or wrong (false).");
                v.RuleFor(x => x.Finding).NotEmpty().When(x => x.Ok == false)
                    .WithMessage("'Finding' must say what is wrong with an item judged wrong.");
                v.RuleFor(x => x.Finding).MaximumLength(MaxFindingLength);
            });
        }
    }

    public sealed class SampleItem
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public bool? Ok { get; init; }
        public string? Finding { get; init; }
    }

    public sealed class RoundView
    {
        public int Round { get; init; }
        public string Status { get; init; } = "";
        public int SampleSize { get; init; }
        public decimal PassThreshold { get; init; }
        public int? PassedItems { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? DecidedAt { get; init; }
        public IReadOnlyList<SampleItem> Items { get; set; } = [];
    }

    public sealed record Outcome(Guid OrderId, string OrderStatus, RoundView Round);

    public static RouteGroupBuilder MapAcceptance(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}/acceptance", Rounds).RequireAuthorization("enterprise-or-operator")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/acceptance", Decide).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.Review).Validate<Decision>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/rework/fund", RetryReworkFunding).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>Opens the next round with a random sample of the order's items. Called when work is delivered.</summary>
    public static async Task DrawSampleAsync(NpgsqlTransaction tx, Guid orderId)
    {
        var connection = tx.Connection!;
        var order = await connection.QuerySingleAsync<(int ItemCount, int? SampleSize, decimal? SampleRate, decimal PassThreshold)>(
            "SELECT item_count, sample_size, sample_rate, pass_threshold FROM orders WHERE id = @orderId", new { orderId }, tx);
        var round = 1 + await connection.ExecuteScalarAsync<int>(
            "SELECT coalesce(max(round), 0) FROM acceptance_rounds WHERE order_id = @orderId", new { orderId }, tx);
        var size = AcceptanceSampling.SampleSize(order.ItemCount, order.SampleSize, order.SampleRate);
        await connection.ExecuteAsync("""
            INSERT INTO acceptance_rounds (order_id, round, sample_size, pass_threshold) VALUES (@orderId, @round, @size, @PassThreshold);
            INSERT INTO acceptance_samples (order_id, round, item_id)
            SELECT order_id, @round, item_id FROM order_items WHERE order_id = @orderId AND gold IS NULL ORDER BY random() LIMIT @size;
            """, new { orderId, round, size, order.PassThreshold }, tx);
    }

    /// <summary>Every round with its sampled items' content. Showing content is audited: the view is announced to tasks,
    /// which keeps the trail, through the outbox, committed before the content is answered.</summary>
    private static async Task<Results<Ok<IReadOnlyList<RoundView>>, ProblemHttpResult>> Rounds(Guid id, HttpContext http, NpgsqlDataSource db,
        Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        if (await OrderView.FindAsync(connection, id, caller.IsOperator ? null : caller.OrgId) is null) return Problems.NotFound($"Order {id}");
        var rounds = (await connection.QueryAsync<RoundView>("""
            SELECT round, status, sample_size, pass_threshold, passed_items, created_at, decided_at
            FROM acceptance_rounds WHERE order_id = @id ORDER BY round DESC
            """, new { id })).ToList();
        var items = (await connection.QueryAsync<(int Round, string ItemId, string Content, bool? Ok, string? Finding)>("""
            SELECT s.round, s.item_id, i.content, s.ok, s.finding
            FROM acceptance_samples s JOIN order_items i ON i.order_id = s.order_id AND i.item_id = s.item_id
            WHERE s.order_id = @id ORDER BY s.round, i.position
            """, new { id })).ToLookup(i => i.Round);
        foreach (var round in rounds)
        {
            round.Items = items[round.Round].Select(i => new SampleItem { ItemId = i.ItemId, Content = i.Content, Ok = i.Ok, Finding = i.Finding }).ToList();
        }
        var shown = rounds.SelectMany(r => r.Items).Select(i => i.ItemId).Distinct().ToList();
        if (shown.Count > 0)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await outbox.AddAsync(tx, new AcceptanceSampleViewed(id, shown, caller.UserId, caller.OrgId, caller.Role, clock.GetUtcNow()));
            await tx.CommitAsync();
        }
        return TypedResults.Ok<IReadOnlyList<RoundView>>(rounds);
    }

    private static async Task<Results<Ok<Outcome>, ProblemHttpResult>> Decide(
        Guid id, Decision decision, HttpContext http, NpgsqlDataSource db, Outbox outbox, OrderProcessRunner process, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>($"""
            SELECT {OrderColumns} FROM orders WHERE id = @id AND enterprise_org_id = @OrgId FOR UPDATE
            """, new { id, caller.OrgId }, tx);
        if (order is null) return Problems.NotFound($"Order {id}");
        if (order.Status != OrderProcess.Name(OrderState.Delivered))
            return Problems.Conflict($"Order {id} is {order.Status}; only a delivered order's sample can be judged.", order.Status);
        var open = await connection.QuerySingleAsync<(int Round, int SampleSize, decimal PassThreshold)>(
            "SELECT round, sample_size, pass_threshold FROM acceptance_rounds WHERE order_id = @id AND status = 'open'", new { id }, tx);
        if (decision.Round != open.Round)
            return Problems.Conflict($"Round {open.Round} of order {id} is waiting for a verdict; round {decision.Round} is not open.", order.Status);

        var sample = (await connection.QueryAsync<string>(
            "SELECT item_id FROM acceptance_samples WHERE order_id = @id AND round = @Round", new { id, open.Round }, tx)).ToHashSet();
        var judged = decision.Verdicts.Select(v => v.ItemId).ToList();
        var twice = judged.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var unknown = judged.Where(i => !sample.Contains(i)).Distinct().ToList();
        var missing = sample.Except(judged).ToList();
        if (twice.Count > 0 || unknown.Count > 0 || missing.Count > 0)
        {
            return Problems.BadRequest("verdicts", string.Join(" ", new[]
            {
                missing.Count > 0 ? $"Judge every sampled item; missing: {Some(missing)}." : null,
                unknown.Count > 0 ? $"Not in round {open.Round}'s sample: {Some(unknown)}." : null,
                twice.Count > 0 ? $"Judged more than once: {Some(twice)}." : null,
            }.Where(m => m is not null)));
        }

        await connection.ExecuteAsync("""
            UPDATE acceptance_samples s SET ok = v.ok, finding = nullif(v.finding, '')
            FROM unnest(@itemIds, @oks, @findings) AS v(item_id, ok, finding)
            WHERE s.order_id = @id AND s.round = @Round AND s.item_id = v.item_id
            """, new
        {
            id, open.Round, itemIds = judged.ToArray(), oks = decision.Verdicts.Select(v => v.Ok!.Value).ToArray(),
            findings = decision.Verdicts.Select(v => v.Ok == true ? "" : v.Finding!.Trim()).ToArray(),
        }, tx);
        var right = decision.Verdicts.Count(v => v.Ok == true);
        var passed = AcceptanceSampling.Passes(right, open.SampleSize, open.PassThreshold);
        await connection.ExecuteAsync("""
            UPDATE acceptance_rounds SET status = @status, passed_items = @right, decided_by = @UserId, decided_at = now()
            WHERE order_id = @id AND round = @Round
            """, new { id, open.Round, status = passed ? "passed" : "failed", right, caller.UserId }, tx);

        var now = clock.GetUtcNow();
        if (passed)
        {
            await process.FireAsync(tx, id, OrderTrigger.SamplePassed, $"sample round {open.Round}: {right}/{open.SampleSize} right");
            // A contract's late penalty is priced from its first delivery and its deliver-by.
            var (firstDelivered, deliverBy) = await connection.QuerySingleAsync<(DateTime? FirstDelivered, DateTime? DeliverBy)>("""
                SELECT (SELECT min(t.at) FROM order_transitions t WHERE t.order_id = o.id AND t.to_status = 'delivered'), o.contract_deliver_by
                FROM orders o WHERE o.id = @id
                """, new { id }, tx);
            await outbox.AddAsync(tx, new OrderAccepted(id, caller.OrgId, order.ApprovedAssignments, order.Currency, now,
                Utc(firstDelivered), Utc(deliverBy)));
        }
        else
        {
            await process.FireAsync(tx, id, OrderTrigger.SampleFailed, $"sample round {open.Round}: {right}/{open.SampleSize} right");
            if (order.ContractId is null)
                await connection.ExecuteAsync("UPDATE orders SET rework_funding = 'pending' WHERE id = @id", new { id }, tx);
            await outbox.AddAsync(tx, ReworkRequest(id, caller.OrgId, open.Round, open.SampleSize - right, order, now));
            if (order.ContractId is not null)
                foreach (var failed in await connection.QueryAsync<FailedSubcontract>(FailedSubcontractsSql, new { id, open.Round }, tx))
                    await outbox.AddAsync(tx, new SubcontractReworkRequested(failed.SubcontractId, id, failed.FromVendorOrgId, failed.ToVendorOrgId,
                        open.Round, failed.FailedItems, failed.Title, now));
        }
        var view = (await connection.QueryAsync<RoundView>("""
            SELECT round, status, sample_size, pass_threshold, passed_items, created_at, decided_at
            FROM acceptance_rounds WHERE order_id = @id AND round = @Round
            """, new { id, open.Round }, tx)).Single();
        await tx.CommitAsync();
        return TypedResults.Ok(new Outcome(id, OrderProcess.Name(passed ? OrderState.Accepted : OrderState.Rework), view));
    }

    /// <summary>After the wallet could not pay for the rework (and the enterprise topped it up), ask settlement again.</summary>
    private static async Task<Results<Accepted<OrderView>, ProblemHttpResult>> RetryReworkFunding(
        Guid id, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>($"""
            SELECT {OrderColumns} FROM orders WHERE id = @id AND enterprise_org_id = @OrgId FOR UPDATE
            """, new { id, caller.OrgId }, tx);
        if (order is null) return Problems.NotFound($"Order {id}");
        if (order.Status != OrderProcess.Name(OrderState.Rework) || order.ReworkFunding != "failed")
            return Problems.Conflict($"Order {id} is {order.Status}" +
                (order.ReworkFunding is { } f ? $" (rework funding {f})" : "") + "; only a rework whose funding failed can be funded again.",
                order.Status);
        var (round, wrong) = await connection.QuerySingleAsync<(int Round, int Wrong)>("""
            SELECT r.round, r.sample_size - r.passed_items FROM acceptance_rounds r
            WHERE r.order_id = @id AND r.status = 'failed' ORDER BY r.round DESC LIMIT 1
            """, new { id }, tx);
        await connection.ExecuteAsync(
            "UPDATE orders SET rework_funding = 'pending', rework_funding_failure_reason = NULL WHERE id = @id", new { id }, tx);
        await outbox.AddAsync(tx, ReworkRequest(id, caller.OrgId, round, wrong, order, clock.GetUtcNow()));
        var view = (await OrderView.FindAsync(connection, id, null, tx))!;
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{id}", view);
    }

    /// <summary>
    /// Each item found wrong gets one more answer at the order's unit price, paid by the enterprise; under a contract the
    /// vendor redoes them at its own cost (the price covers delivering work that passes), so nothing is asked of the wallet.
    /// </summary>
    private static OrderReworkRequested ReworkRequest(Guid orderId, Guid orgId, int round, int items, OrderRow order, DateTimeOffset now) =>
        new(orderId, orgId, round, items, order.ContractId is null ? order.UnitPrice * items : 0m, order.Currency, now,
            order.AwardedVendorOrgId, order.ContractId);

    private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private sealed record FailedSubcontract(Guid SubcontractId, Guid FromVendorOrgId, Guid ToVendorOrgId, int FailedItems, string Title);

    /// <summary>
    /// The sub-contracts whose items failed the round, at every tier: from each failed item's top-tier package down the
    /// chain of sub-contracts (each tier's items are unique in its scope, so every step is an index probe). Items already
    /// redone in a rework package (a scope of a failed round) are the contract holder's work now, not the sub-vendor's.
    /// </summary>
    private const string FailedSubcontractsSql = """
        WITH RECURSIVE failed AS (
            SELECT s.item_id FROM acceptance_samples s
            WHERE s.order_id = @id AND s.round = @Round AND s.ok = false
              AND NOT EXISTS (SELECT 1 FROM acceptance_rounds r JOIN work_package_items w ON w.scope_id = r.rework_scope_id AND w.item_id = s.item_id
                              WHERE r.order_id = @id AND r.rework_scope_id IS NOT NULL)),
        chain AS (
            SELECT p.id, p.vendor_org_id, p.to_vendor_org_id, f.item_id
            FROM failed f JOIN work_package_items w ON w.scope_id = @id AND w.item_id = f.item_id
            JOIN work_packages p ON p.id = w.package_id AND p.kind = 'subcontract'
            UNION ALL
            SELECT p.id, p.vendor_org_id, p.to_vendor_org_id, c.item_id
            FROM chain c JOIN work_package_items w ON w.scope_id = c.id AND w.item_id = c.item_id
            JOIN work_packages p ON p.id = w.package_id AND p.kind = 'subcontract')
        SELECT c.id AS subcontract_id, c.vendor_org_id AS from_vendor_org_id, c.to_vendor_org_id, count(*)::int AS failed_items,
               (SELECT title FROM orders WHERE id = @id) AS title
        FROM chain c GROUP BY c.id, c.vendor_org_id, c.to_vendor_org_id ORDER BY c.id
        """;

    private const string OrderColumns = "status, unit_price, currency, approved_assignments, rework_funding, contract_id, awarded_vendor_org_id";

    private sealed record OrderRow(string Status, decimal UnitPrice, string Currency, int ApprovedAssignments, string? ReworkFunding,
        Guid? ContractId, Guid? AwardedVendorOrgId);

    private static string Some(IReadOnlyCollection<string> ids) =>
        string.Join(", ", ids.Take(10).Select(i => $"'{i}'")) + (ids.Count > 10 ? $" and {ids.Count - 10} more" : "");
}
