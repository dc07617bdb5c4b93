using Dapper;
using FluentValidation;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features.Supermarket;

/// <summary>Vendors list the labeling services they sell; enterprises search them by what they need.</summary>
public static class Listings
{
    public sealed record Request(string VendorName, string Title, string? Description, string[] TaskTypes, string[]? Industries,
        string[]? Languages, int CapacityPerDay, decimal PriceMin, decimal PriceMax, string? Currency);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.VendorName).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Title).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Description).MaximumLength(10_000);
            RuleFor(r => r.TaskTypes).NotEmpty().Must(t => t.All(Labeling.TaskTypes.All.Contains) && t.Distinct().Count() == t.Length)
                .WithMessage($"'Task Types' lists distinct task types from: {string.Join(", ", Labeling.TaskTypes.All)}.");
            RuleFor(r => r.Industries).Must(i => i is null || i.All(CreateOrder.Industries.Contains))
                .WithMessage($"'Industries' must come from: {string.Join(", ", CreateOrder.Industries)}.");
            RuleFor(r => r.Languages).Must(l => l is null || (l.Length <= 20 && l.All(x => x is { Length: >= 2 and <= 35 })))
                .WithMessage("'Languages' lists at most 20 language tags such as zh-CN or en.");
            RuleFor(r => r.CapacityPerDay).InclusiveBetween(1, 100_000_000);
            RuleFor(r => r.PriceMin).GreaterThan(0).LessThanOrEqualTo(100_000);
            RuleFor(r => r.PriceMax).GreaterThanOrEqualTo(r => r.PriceMin).LessThanOrEqualTo(100_000);
            RuleFor(r => r.Currency).Must(c => c is null or "CNY").WithMessage("'Currency' must be CNY.");
        }
    }

    public sealed class ListingView
    {
        public Guid Id { get; init; }
        public Guid VendorOrgId { get; init; }
        public string VendorName { get; init; } = "";
        public string Title { get; init; } = "";
        public string Description { get; init; } = "";
        public string[] TaskTypes { get; init; } = [];
        public string[] Industries { get; init; } = [];
        public string[] Languages { get; init; } = [];
        public int CapacityPerDay { get; init; }
        public decimal PriceMin { get; init; }
        public decimal PriceMax { get; init; }
        public string Currency { get; init; } = "";
        public string[] CertifiedGrades { get; init; } = [];
        public long DeliveredOrders { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    private const string Select = """
        SELECT l.id, l.vendor_org_id, l.vendor_name, l.title, l.description, l.task_types, l.industries, l.languages,
               l.capacity_per_day, l.price_min, l.price_max, l.currency, l.updated_at,
               coalesce((SELECT array_agg(DISTINCT c.grade) FROM vendor_certifications c
                         WHERE c.vendor_org_id = l.vendor_org_id AND c.status = 'approved' AND c.valid_until >= current_date), '{}') AS certified_grades,
               (SELECT count(*) FROM orders o
                WHERE o.awarded_vendor_org_id = l.vendor_org_id AND o.status IN ('delivered', 'accepted', 'closed')) AS delivered_orders
        FROM vendor_listings l
        """;

    public static RouteGroupBuilder MapListings(this RouteGroupBuilder group)
    {
        group.MapPost("/", Create).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<Request>().Produces<ListingView>(StatusCodes.Status201Created);
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<Request>()
            .Produces<ListingView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", Search).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<PageOf<ListingView>>();
        group.MapGet("/{id:guid}", Get).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<ListingView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Create(Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO vendor_listings (id, vendor_org_id, vendor_name, title, description, task_types, industries, languages,
                                         capacity_per_day, price_min, price_max)
            VALUES (@id, @OrgId, @VendorName, @Title, @description, @TaskTypes, @industries, @languages, @CapacityPerDay, @PriceMin, @PriceMax)
            """, Parameters(id, caller.OrgId, request), tx);
        await VendorQualifications.PublishAsync(tx, outbox, caller.OrgId);
        await tx.CommitAsync();
        return TypedResults.Created($"/listings/{id}", await Find(connection, id));
    }

    private static async Task<IResult> Update(Guid id, Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var updated = await connection.ExecuteAsync("""
            UPDATE vendor_listings SET vendor_name = @VendorName, title = @Title, description = @description, task_types = @TaskTypes,
                   industries = @industries, languages = @languages, capacity_per_day = @CapacityPerDay,
                   price_min = @PriceMin, price_max = @PriceMax, updated_at = now()
            WHERE id = @id AND vendor_org_id = @OrgId
            """, Parameters(id, caller.OrgId, request), tx);
        if (updated == 0) return Problems.NotFound($"Listing {id}");
        await VendorQualifications.PublishAsync(tx, outbox, caller.OrgId);
        await tx.CommitAsync();
        return TypedResults.Ok(await Find(connection, id));
    }

    /// <summary>A vendor withdraws a listing; what it no longer lists, it is no longer shown calls for.</summary>
    private static async Task<IResult> Delete(Guid id, HttpContext http, NpgsqlDataSource db, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var deleted = await connection.ExecuteAsync("DELETE FROM vendor_listings WHERE id = @id AND vendor_org_id = @OrgId",
            new { id, caller.OrgId }, tx);
        if (deleted == 0) return Problems.NotFound($"Listing {id}");
        await VendorQualifications.PublishAsync(tx, outbox, caller.OrgId);
        await tx.CommitAsync();
        return TypedResults.NoContent();
    }

    private static object Parameters(Guid id, Guid orgId, Request r) => new
    {
        id, OrgId = orgId, r.VendorName, r.Title, description = r.Description ?? "", r.TaskTypes, industries = r.Industries ?? [],
        languages = r.Languages ?? [], r.CapacityPerDay, r.PriceMin, r.PriceMax,
    };

    private static Task<ListingView?> Find(NpgsqlConnection connection, Guid id) =>
        connection.QuerySingleOrDefaultAsync<ListingView>($"{Select} WHERE l.id = @id", new { id });

    private static async Task<IResult> Get(Guid id, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await Find(connection, id) is { } listing ? TypedResults.Ok(listing) : Problems.NotFound($"Listing {id}");
    }

    private static readonly Dictionary<string, string> Sorts = new()
    {
        ["price"] = "l.price_min ASC, l.id",
        ["-price"] = "l.price_max DESC, l.id",
        ["capacity"] = "l.capacity_per_day DESC, l.id",
        ["newest"] = "l.updated_at DESC, l.id",
    };

    /// <summary>Filters, sorts and pages on the server: a supermarket with thousands of vendors stays fast to browse.</summary>
    private static async Task<IResult> Search(string? taskType, string? industry, string? language, int? minCapacity,
        decimal? maxPrice, string? certifiedGrade, string? vendor, string? q, string? sort, int? page, int? pageSize, NpgsqlDataSource db)
    {
        if (taskType is not null && !TaskTypes.All.Contains(taskType)) return Problems.BadRequest("taskType", $"'taskType' must be one of {string.Join(", ", TaskTypes.All)}.");
        if (industry is not null && !CreateOrder.Industries.Contains(industry)) return Problems.BadRequest("industry", $"'industry' must be one of {string.Join(", ", CreateOrder.Industries)}.");
        if (certifiedGrade is not null && !DataGrades.IsKnown(certifiedGrade)) return Problems.BadRequest("certifiedGrade", "'certifiedGrade' must be general, important or core.");
        sort ??= "newest";
        if (!Sorts.TryGetValue(sort, out var orderBy)) return Problems.BadRequest("sort", $"'sort' must be one of {string.Join(", ", Sorts.Keys)}.");
        // The common bounds: a huge page overflowed into a negative OFFSET (a 500).
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;

        const string where = """
            WHERE (@taskType::text IS NULL OR @taskType = ANY (l.task_types))
              AND (@industry::text IS NULL OR @industry = ANY (l.industries))
              AND (@language::text IS NULL OR @language = ANY (l.languages))
              AND (@minCapacity::int IS NULL OR l.capacity_per_day >= @minCapacity)
              AND (@maxPrice::numeric IS NULL OR l.price_min <= @maxPrice)
              AND (@vendor::uuid IS NULL OR l.vendor_org_id = @vendor::uuid)
              AND (@q::text IS NULL OR l.title ILIKE '%' || @q || '%' OR l.description ILIKE '%' || @q || '%' OR l.vendor_name ILIKE '%' || @q || '%')
              AND (@coveringGrades::text[] IS NULL OR EXISTS (
                    SELECT 1 FROM vendor_certifications c
                    WHERE c.vendor_org_id = l.vendor_org_id AND c.status = 'approved' AND c.valid_until >= current_date
                      AND c.grade = ANY (@coveringGrades)))
            """;
        var vendorId = Guid.TryParse(vendor, out var parsed) ? parsed : (Guid?)null;
        if (vendor is not null && vendorId is null) return Problems.BadRequest("vendor", "'vendor' must be an organisation id.");
        var args = new
        {
            taskType, industry, language, minCapacity, maxPrice, vendor = vendorId?.ToString(), q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            coveringGrades = certifiedGrade is null ? null : DataGrades.Ordered.Where(g => DataGrades.Covers(g, certifiedGrade)).ToArray(),
            take = size, skip = (number - 1) * size,
        };
        await using var connection = await db.OpenConnectionAsync();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM vendor_listings l {where}", args);
        var items = (await connection.QueryAsync<ListingView>($"{Select} {where} ORDER BY {orderBy} LIMIT @take OFFSET @skip", args)).ToList();
        return TypedResults.Ok(new PageOf<ListingView>(items, total, number, size));
    }
}
