using System.Text.Json;
using Dapper;
using Marketplace.Bidding.Domain;
using Marketplace.Contracts.Bidding;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>A call as stored, and the reads every feature of calls and bids shares.</summary>
public sealed class CallRow
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public int Round { get; init; }
    public Guid EnterpriseOrgId { get; init; }
    public string Title { get; init; } = "";
    public string Instructions { get; init; } = "";
    public string Terms { get; init; } = "{}";
    public string TaskType { get; init; } = "";
    public string Industry { get; init; } = "";
    public string DataGrade { get; init; } = "";
    public Guid[] InvitedVendorOrgIds { get; init; } = [];
    public bool AutoAward { get; init; }
    public int ItemCount { get; init; }
    public decimal Budget { get; init; }
    public string Currency { get; init; } = "";
    public DateTime OrderDeadline { get; init; }
    public DateTime BidDeadline { get; init; }
    public string Status { get; init; } = "";
    public string? WithdrawnReason { get; init; }
    public DateTime OpenedAt { get; init; }
    public DateTime? ClosedAt { get; init; }
    /// <summary>The database's clock when the row was read (deadlines are compared with it, not with a server's clock).</summary>
    public DateTime Now { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public OrderTerms OrderTerms() => JsonSerializer.Deserialize<OrderTerms>(Terms, Json) ?? new OrderTerms();

    /// <summary>Sealed: the bid deadline has not passed yet (bids open only after it, to everyone entitled).</summary>
    public bool IsSealed => Now < BidDeadline;

    /// <summary>Bids can be placed, revised or withdrawn: the call is open and its deadline has not passed.</summary>
    public bool TakesBids => Status == CallStatus.Open && Now < BidDeadline;

    public DateTimeOffset BidDeadlineUtc => Utc(BidDeadline);

    public DateOnly Today => DateOnly.FromDateTime(Now);

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

public static class CallRows
{
    public const string Columns = """
        c.id, c.order_id, c.round, c.enterprise_org_id, c.title, c.instructions, c.terms::text AS terms, c.task_type, c.industry,
        c.data_grade, c.invited_vendor_org_ids, c.auto_award, c.item_count, c.budget, c.currency, c.order_deadline, c.bid_deadline,
        c.status, c.withdrawn_reason, c.opened_at, c.closed_at, clock_timestamp() AS now
        """;

    /// <param name="lockMode">"" (no lock), "FOR SHARE" (bids change: the close waits for them) or "FOR UPDATE" (close, award).</param>
    public static Task<CallRow?> FindAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null, string lockMode = "") =>
        connection.QuerySingleOrDefaultAsync<CallRow>($"SELECT {Columns} FROM calls c WHERE c.id = @id {lockMode}", new { id }, tx);

    private sealed class QualificationRow
    {
        public string Certificates { get; init; } = "[]";
        public string[] TaskTypes { get; init; } = [];
        public string[] Industries { get; init; } = [];
    }

    public static async Task<Qualification> QualificationAsync(NpgsqlConnection connection, Guid vendorOrgId, NpgsqlTransaction? tx = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<QualificationRow>(
            "SELECT certificates::text AS certificates, task_types, industries FROM vendor_qualifications WHERE vendor_org_id = @vendorOrgId",
            new { vendorOrgId }, tx);
        if (row is null) return Qualification.None;
        var certificates = JsonSerializer.Deserialize<List<VendorCertificate>>(row.Certificates, CallRow.Json) ?? [];
        return new Qualification(certificates.Select(c => (c.Grade, c.ValidUntil)).ToList(), row.TaskTypes, row.Industries);
    }

    /// <summary>
    /// The vendors who see a call opening now (CallAudience.Sees): the listings' task type and industry narrow it in SQL
    /// (the arrays' GIN-less scan is over vendors, a few thousand at most), the grade and the certificates' validity are
    /// checked here by the same rule the feed uses; invited vendors see it regardless.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> AudienceAsync(NpgsqlConnection connection, string dataGrade, string taskType, string industry,
        IReadOnlyCollection<Guid> invited, NpgsqlTransaction? tx = null)
    {
        var rows = await connection.QueryAsync<(Guid VendorOrgId, string Certificates, DateTime Now)>("""
            SELECT vendor_org_id, certificates::text, clock_timestamp() FROM vendor_qualifications
            WHERE @taskType = ANY (task_types) AND @industry = ANY (industries)
            """, new { taskType, industry }, tx);
        var audience = new HashSet<Guid>(invited);
        foreach (var row in rows)
        {
            var certificates = JsonSerializer.Deserialize<List<VendorCertificate>>(row.Certificates, CallRow.Json) ?? [];
            var qualification = new Qualification(certificates.Select(c => (c.Grade, c.ValidUntil)).ToList(), [taskType], [industry]);
            if (CallAudience.Sees(qualification, DateOnly.FromDateTime(row.Now), dataGrade, taskType, industry, invited: false))
                audience.Add(row.VendorOrgId);
        }
        return audience.ToList();
    }

    /// <summary>Each vendor's record, counted from its contracts (vendors without one get <see cref="VendorRecord.None"/>).</summary>
    public static async Task<Dictionary<Guid, VendorRecord>> RecordsAsync(NpgsqlConnection connection, IEnumerable<Guid> vendorOrgIds,
        NpgsqlTransaction? tx = null)
    {
        var ids = vendorOrgIds.Distinct().ToArray();
        var rows = await connection.QueryAsync<(Guid VendorOrgId, int Contracts, int Delivered, int OnTime, int Accepted, int Passed)>("""
            SELECT vendor_org_id, count(*)::int, count(delivered_at)::int,
                   count(*) FILTER (WHERE delivered_at <= deliver_by)::int,
                   count(accepted_at)::int,
                   count(*) FILTER (WHERE accepted_at IS NOT NULL AND NOT rework_requested)::int
            FROM contracts WHERE vendor_org_id = ANY (@ids) GROUP BY vendor_org_id
            """, new { ids }, tx);
        var records = ids.ToDictionary(id => id, _ => VendorRecord.None);
        foreach (var r in rows) records[r.VendorOrgId] = new VendorRecord(r.Contracts, r.Delivered, r.OnTime, r.Accepted, r.Passed);
        return records;
    }

    public static async Task<Dictionary<Guid, string>> VendorNamesAsync(NpgsqlConnection connection, IEnumerable<Guid> vendorOrgIds,
        NpgsqlTransaction? tx = null)
    {
        var ids = vendorOrgIds.Distinct().ToArray();
        var rows = await connection.QueryAsync<(Guid, string)>(
            "SELECT vendor_org_id, vendor_name FROM vendor_qualifications WHERE vendor_org_id = ANY (@ids)", new { ids }, tx);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }
}
