using Dapper;
using Marketplace.Bidding.Domain;
using Marketplace.Labeling.Money;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>Contracts made by awards: a vendor sees its own, an enterprise its own, an operator all.</summary>
public static class Contracts
{
    public sealed record ContractView(Guid Id, Guid OrderId, Guid CallId, Guid BidId, Guid VendorOrgId, string VendorName, Guid EnterpriseOrgId,
        string Title, decimal Price, string Currency, DateTime DeliverBy, decimal LatePenaltyPercentPerDay, decimal MaxPenaltyPercent,
        int? SampleSize, decimal? SampleRate, decimal PassThreshold, bool Automatic, string? Reason, string Status, DateTime? DeliveredAt,
        bool ReworkRequested, DateTime? AcceptedAt, DateTime AwardedAt, string? DisputeStatus, string? DisputeOutcome,
        decimal? DisputeVendorAmount, DateTime? DisputeDecidedAt)
    {
        /// <summary>Whole or part days the first delivery came after the deliver-by (0: on time, or not delivered yet).</summary>
        public int DaysLate => LatePenalty.DaysLate(Utc(DeliverBy), DeliveredAt is { } d ? Utc(d) : null);

        /// <summary>What the late delivery owes the enterprise, given back to it from the price at acceptance.</summary>
        public decimal LatePenaltyOwed => LatePenalty.Amount(Price, Utc(DeliverBy), DeliveredAt is { } d ? Utc(d) : null,
            LatePenaltyPercentPerDay, MaxPenaltyPercent);

        private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }

    private const string Select = """
        SELECT k.id, k.order_id, k.call_id, k.bid_id, k.vendor_org_id, coalesce(q.vendor_name, '') AS vendor_name, k.enterprise_org_id,
               c.title, k.price, k.currency, k.deliver_by, k.late_penalty_percent_per_day, k.max_penalty_percent, k.sample_size,
               k.sample_rate, k.pass_threshold, k.automatic, k.reason, k.status, k.delivered_at, k.rework_requested, k.accepted_at, k.awarded_at,
               k.dispute_status, k.dispute_outcome, k.dispute_vendor_amount, k.dispute_decided_at
        FROM contracts k JOIN calls c ON c.id = k.call_id LEFT JOIN vendor_qualifications q ON q.vendor_org_id = k.vendor_org_id
        """;

    private const string Scope = "(@operator OR k.vendor_org_id = @OrgId OR k.enterprise_org_id = @OrgId)";

    public static RouteGroupBuilder MapContracts(this RouteGroupBuilder group)
    {
        group.MapGet("/", List).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Enterprise, Roles.Operator))
            .Produces<PageOf<ContractView>>();
        group.MapGet("/{id:guid}", Get).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Enterprise, Roles.Operator))
            .Produces<ContractView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> List(string? status, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (status is not null && !ContractStatus.All.Contains(status))
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", ContractStatus.All)}.");
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var where = $"WHERE {Scope} AND (@status::text IS NULL OR k.status = @status)";
        var args = new { @operator = caller.IsOperator, caller.OrgId, status, take = size, skip = (number - 1) * size };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM contracts k {where}", args);
        var items = (await connection.QueryAsync<ContractView>($"{Select} {where} ORDER BY k.awarded_at DESC, k.id LIMIT @take OFFSET @skip", args)).ToList();
        return TypedResults.Ok(new PageOf<ContractView>(items, total, number, size));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var contract = await connection.QuerySingleOrDefaultAsync<ContractView>($"{Select} WHERE k.id = @id AND {Scope}",
            new { id, @operator = caller.IsOperator, caller.OrgId });
        return contract is null ? Problems.NotFound($"Contract {id}") : TypedResults.Ok(contract);
    }

    public static async Task<ContractView> FindAsync(NpgsqlConnection connection, Guid id) =>
        await connection.QuerySingleAsync<ContractView>($"{Select} WHERE k.id = @id", new { id });
}
