using Dapper;
using Marketplace.Bidding.Domain;
using Marketplace.Contracts.Orders;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>
/// Calls for bids as each audience sees them. A vendor's feed is the open calls it may see (CallAudience: its grade,
/// task types and industries, or an invitation); an enterprise sees its own calls; an operator all. Vendors never learn
/// anything about other bids; the enterprise and operators see how many bids stand before the deadline, not the bids.
/// </summary>
public static class Calls
{
    /// <summary>What a contract on this call would bind the vendor to (acceptance sampling, late penalty).</summary>
    public sealed record ContractTermsView(int? SampleSize, decimal? SampleRate, decimal PassThreshold, decimal LatePenaltyPercentPerDay,
        decimal MaxPenaltyPercent, IReadOnlyList<string> Labels);

    public sealed record CallView(Guid Id, Guid OrderId, int Round, Guid EnterpriseOrgId, string Title, string Instructions, string TaskType,
        string Industry, string DataGrade, bool PersonalInformation, int ItemCount, decimal Budget, string Currency, DateTime OrderDeadline,
        DateTime BidDeadline, string Status, bool AutoAward, bool Sealed, bool Invited, int? Bids, ContractTermsView ContractTerms,
        OrderTerms? Terms, string? WithdrawnReason, DateTime OpenedAt, DateTime? ClosedAt);

    public sealed record CallSummary(Guid Id, Guid OrderId, int Round, string Title, string TaskType, string Industry, string DataGrade,
        int ItemCount, decimal Budget, string Currency, DateTime OrderDeadline, DateTime BidDeadline, string Status, bool AutoAward,
        bool Invited, int? Bids, DateTime OpenedAt);

    private static readonly Dictionary<string, string> Sorts = new()
    {
        ["deadline"] = "c.bid_deadline ASC, c.id",
        ["-deadline"] = "c.bid_deadline DESC, c.id",
        ["budget"] = "c.budget ASC, c.id",
        ["-budget"] = "c.budget DESC, c.id",
        ["newest"] = "c.opened_at DESC, c.id",
    };

    public static RouteGroupBuilder MapCalls(this RouteGroupBuilder group)
    {
        group.MapGet("/", List).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Enterprise, Roles.Operator))
            .Produces<PageOf<CallSummary>>();
        group.MapGet("/{id:guid}", Get).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Enterprise, Roles.Operator))
            .Produces<CallView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <param name="orderId">Only the calls of this order (each round is a call): how the order's page finds its tender.</param>
    private static async Task<IResult> List(string? taskType, string? industry, string? status, string? sort, Guid? orderId, int? page,
        int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (taskType is not null && !TaskTypes.All.Contains(taskType))
            return Problems.BadRequest("taskType", $"'taskType' must be one of {string.Join(", ", TaskTypes.All)}.");
        if (industry is not null && industry.Length is 0 or > 50) return Problems.BadRequest("industry", "'industry' is 1-50 characters.");
        if (status is not null && !CallStatus.All.Contains(status))
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", CallStatus.All)}.");
        sort ??= "deadline";
        if (!Sorts.TryGetValue(sort, out var orderBy)) return Problems.BadRequest("sort", $"'sort' must be one of {string.Join(", ", Sorts.Keys)}.");
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        var vendor = caller.Role == Roles.Vendor;
        if (vendor && status is not null && status != CallStatus.Open)
            return Problems.BadRequest("status", "A vendor's feed holds open calls only; its bids and contracts show the rest.");

        await using var connection = await db.OpenConnectionAsync();
        var qualification = vendor ? await CallRows.QualificationAsync(connection, caller.OrgId) : Qualification.None;
        // The vendor's part is CallAudience.Sees in SQL, so the feed pages on the server; the grades come from DataGrades.
        var where = vendor
            ? """
              WHERE c.status = 'open' AND c.bid_deadline > now()
                AND ((c.data_grade = ANY (@grades) AND c.task_type = ANY (@taskTypes) AND c.industry = ANY (@industries))
                     OR @org = ANY (c.invited_vendor_org_ids))
              """
            : "WHERE (@scope::uuid IS NULL OR c.enterprise_org_id = @scope) AND (@status::text IS NULL OR c.status = @status)";
        where += " AND (@taskType::text IS NULL OR c.task_type = @taskType) AND (@industry::text IS NULL OR c.industry = @industry)"
                 + " AND (@orderId::uuid IS NULL OR c.order_id = @orderId)";
        var args = new
        {
            grades = qualification.Grades(DateOnly.FromDateTime(DateTime.UtcNow)).ToArray(),
            taskTypes = qualification.TaskTypes.ToArray(), industries = qualification.Industries.ToArray(), org = caller.OrgId,
            scope = caller.IsOperator ? (Guid?)null : caller.OrgId, status, taskType, industry, orderId, take = size, skip = (number - 1) * size,
        };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM calls c {where}", args);
        var rows = (await connection.QueryAsync<CallRow>($"SELECT {CallRows.Columns} FROM calls c {where} ORDER BY {orderBy} LIMIT @take OFFSET @skip", args)).ToList();
        var counts = vendor ? [] : await BidCountsAsync(connection, rows.Select(r => r.Id));
        var items = rows.Select(c => new CallSummary(c.Id, c.OrderId, c.Round, c.Title, c.TaskType, c.Industry, c.DataGrade, c.ItemCount, c.Budget,
            c.Currency, c.OrderDeadline, c.BidDeadline, c.Status, c.AutoAward, c.InvitedVendorOrgIds.Contains(caller.OrgId),
            vendor ? null : counts.GetValueOrDefault(c.Id), c.OpenedAt)).ToList();
        return TypedResults.Ok(new PageOf<CallSummary>(items, total, number, size));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var call = await CallRows.FindAsync(connection, id);
        if (call is null || !await MaySeeAsync(connection, caller, call)) return Problems.NotFound($"Call {id}");
        var vendor = caller.Role == Roles.Vendor;
        var counts = vendor ? [] : await BidCountsAsync(connection, [call.Id]);
        return TypedResults.Ok(View(call, caller, vendor ? null : counts.GetValueOrDefault(call.Id)));
    }

    /// <summary>
    /// The enterprise that owns the call and operators always; a vendor while the call is open and it is in the call's
    /// audience, or whenever it has bid on it (to follow the result).
    /// </summary>
    public static async Task<bool> MaySeeAsync(NpgsqlConnection connection, Caller caller, CallRow call, NpgsqlTransaction? tx = null)
    {
        if (caller.IsOperator) return true;
        if (caller.Role == Roles.Enterprise) return call.EnterpriseOrgId == caller.OrgId;
        if (caller.Role != Roles.Vendor) return false;
        var qualification = await CallRows.QualificationAsync(connection, caller.OrgId, tx);
        if (call.Status == CallStatus.Open
            && CallAudience.Sees(qualification, call.Today, call.DataGrade, call.TaskType, call.Industry, call.InvitedVendorOrgIds.Contains(caller.OrgId)))
            return true;
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM bids WHERE call_id = @Id AND vendor_org_id = @OrgId)",
            new { call.Id, caller.OrgId }, tx);
    }

    private static async Task<Dictionary<Guid, int>> BidCountsAsync(NpgsqlConnection connection, IEnumerable<Guid> callIds)
    {
        var ids = callIds.ToArray();
        return (await connection.QueryAsync<(Guid, int)>("""
            SELECT call_id, count(*)::int FROM bids WHERE call_id = ANY (@ids) AND status IN ('live', 'won', 'lost') GROUP BY call_id
            """, new { ids })).ToDictionary(r => r.Item1, r => r.Item2);
    }

    public static CallView View(CallRow c, Caller caller, int? bids)
    {
        var terms = c.OrderTerms();
        var tender = terms.Tender ?? new TenderTerms();
        var vendor = caller.Role == Roles.Vendor;
        return new CallView(c.Id, c.OrderId, c.Round, c.EnterpriseOrgId, c.Title, c.Instructions, c.TaskType, c.Industry, c.DataGrade,
            terms.PersonalInformation, c.ItemCount, c.Budget, c.Currency, c.OrderDeadline, c.BidDeadline, c.Status, c.AutoAward, c.IsSealed,
            c.InvitedVendorOrgIds.Contains(caller.OrgId), vendor ? null : bids ?? 0,
            new ContractTermsView(terms.SampleSize, terms.SampleRate, terms.PassThreshold, tender.LatePenaltyPercentPerDay, tender.MaxPenaltyPercent,
                terms.Labels),
            // The whole terms name the other invited vendors: for the enterprise and operators only.
            vendor ? null : terms, c.WithdrawnReason, c.OpenedAt, c.ClosedAt);
    }
}
