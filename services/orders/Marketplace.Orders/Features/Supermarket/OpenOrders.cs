using Dapper;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features.Supermarket;

/// <summary>
/// Vendors browse funded orders open for bids that they qualify for: general data for every vendor; important and
/// core data only for vendors holding an approved, valid certification at that grade or above.
/// </summary>
public static class OpenOrders
{
    public sealed record OpenOrder(Guid Id, string Title, string TaskType, string Industry, string DataGrade, bool PersonalInformation,
        int ItemCount, decimal Budget, string Currency, DateTime Deadline, DateTime? FundedAt);

    private static readonly Dictionary<string, string> Sorts = new()
    {
        ["deadline"] = "deadline ASC, id",
        ["-budget"] = "budget DESC, id",
        ["newest"] = "funded_at DESC, id",
    };

    public static RouteGroupBuilder MapOpenOrders(this RouteGroupBuilder group)
    {
        group.MapGet("/open-for-bids", Handle).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Operator))
            .Produces<PageOf<OpenOrder>>();
        return group;
    }

    private static async Task<IResult> Handle(string? taskType, string? industry, string? sort, int? page, int? pageSize,
        HttpContext http, NpgsqlDataSource db)
    {
        if (taskType is not null && !TaskTypes.All.Contains(taskType)) return Problems.BadRequest("taskType", $"'taskType' must be one of {string.Join(", ", TaskTypes.All)}.");
        if (industry is not null && !CreateOrder.Industries.Contains(industry)) return Problems.BadRequest("industry", $"'industry' must be one of {string.Join(", ", CreateOrder.Industries)}.");
        sort ??= "deadline";
        if (!Sorts.TryGetValue(sort, out var orderBy)) return Problems.BadRequest("sort", $"'sort' must be one of {string.Join(", ", Sorts.Keys)}.");
        if (page is < 1) return Problems.BadRequest("page", "'page' starts at 1.");
        if (pageSize is < 1 or > 100) return Problems.BadRequest("pageSize", "'pageSize' is between 1 and 100.");
        var caller = Caller.From(http.User);
        var size = pageSize ?? 20;
        var number = page ?? 1;

        await using var connection = await db.OpenConnectionAsync();
        // An operator sees every open order; a vendor the grades its approved, valid certifications cover (DataGrades).
        var grades = caller.IsOperator ? DataGrades.Ordered : DataGrades.HandledBy(
            (await connection.QueryAsync<(string Grade, DateTime ValidUntil)>(
                "SELECT grade, valid_until FROM vendor_certifications WHERE vendor_org_id = @OrgId AND status = 'approved'", new { caller.OrgId }))
            .Select(c => (c.Grade, DateOnly.FromDateTime(c.ValidUntil))), DateOnly.FromDateTime(DateTime.UtcNow));
        const string where = """
            WHERE status = 'published' AND mode = 'bid' AND funded_at IS NOT NULL AND deadline > now()
              AND data_grade = ANY (@grades)
              AND (@taskType::text IS NULL OR task_type = @taskType) AND (@industry::text IS NULL OR industry = @industry)
            """;
        var args = new { grades = grades.ToArray(), taskType, industry, take = size, skip = (number - 1) * size };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM orders {where}", args);
        var items = (await connection.QueryAsync<OpenOrder>($"""
            SELECT id, title, task_type, industry, data_grade, personal_information, item_count, budget, currency, deadline, funded_at
            FROM orders {where} ORDER BY {orderBy} LIMIT @take OFFSET @skip
            """, args)).ToList();
        return TypedResults.Ok(new PageOf<OpenOrder>(items, total, number, size));
    }
}
