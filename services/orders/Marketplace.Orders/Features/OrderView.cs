using Dapper;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>A class, not a positional record: Dapper binds PostgreSQL arrays (labels) to properties, not to constructors.</summary>
public sealed class OrderView
{
    public Guid Id { get; init; }
    public Guid EnterpriseOrgId { get; init; }
    public string Title { get; init; } = "";
    public string Instructions { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string Mode { get; init; } = "";
    public string[] Labels { get; init; } = [];
    public int Overlap { get; init; }
    public decimal UnitPrice { get; init; }
    public decimal WorkerReward { get; init; }
    public decimal PlatformFee { get; init; }
    public string Currency { get; init; } = "";
    public int ItemCount { get; init; }
    public decimal Budget { get; init; }
    public DateTime Deadline { get; init; }
    /// <summary>Where the order is in its process (<see cref="Process.OrderProcess"/>).</summary>
    public Process.OrderState Status => Process.OrderProcess.Parse(StatusName);
    [System.Text.Json.Serialization.JsonIgnore] public string StatusName { get; init; } = "draft";
    public string? FundingFailureReason { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public bool MultiLabel { get; init; }
    [System.Text.Json.Serialization.JsonIgnore] public string CriteriaJson { get; init; } = "[]";
    public IReadOnlyList<Marketplace.Contracts.Orders.RubricCriterion> Criteria =>
        System.Text.Json.JsonSerializer.Deserialize<List<Marketplace.Contracts.Orders.RubricCriterion>>(CriteriaJson, Json) ?? [];
    public string DataGrade { get; init; } = "general";
    public bool PersonalInformation { get; init; }
    public string Industry { get; init; } = "other";
    public string[] RequiredQualifications { get; init; } = [];
    public decimal? RequiredAccuracy { get; init; }
    public decimal GoldShare { get; init; }
    public int? SampleSize { get; init; }
    public decimal PassThreshold { get; init; }
    public DateTime? FundedAt { get; init; }
    public DateTime? CancelledAt { get; init; }
    public decimal RefundedAmount { get; init; }
    public long DatasetBytes { get; init; }
    public decimal? SampleRate { get; init; }
    public int ApprovedAssignments { get; init; }
    public decimal ReleasedAmount { get; init; }
    /// <summary>While the order is in rework: pending (settlement is escrowing its price), funded, or failed (see the reason).</summary>
    public string? ReworkFunding { get; init; }
    public string? ReworkFundingFailureReason { get; init; }
    /// <summary>How many assignments a worker gets at once from this order, under one lease.</summary>
    public int SuiteSize { get; init; }
    /// <summary>How long a worker holds claimed work before it returns to the pool (null: the platform's default).</summary>
    public int? LeaseSeconds { get; init; }
    /// <summary>How long the enterprise has to review a submission before it is approved for them (null: the default).</summary>
    public int? AutoApproveSeconds { get; init; }
    /// <summary>Items whose aggregated label is less certain than this get more answers, up to OverlapCap (dynamic overlap).</summary>
    public decimal? ConfidenceBar { get; init; }
    public int? OverlapCap { get; init; }
    /// <summary>Items with a known answer, mixed into the work as gold slots (not part of ItemCount or the delivery).</summary>
    public int GoldItemCount { get; init; }
    public int GoldSlots { get; init; }
    /// <summary>The commission terms snapshotted at creation: PlatformFee per unit is FeePercent of the unit price; MinimumFee
    /// per order is topped up from escrow at acceptance; the budget holds MinimumFeeReserve for that top-up.</summary>
    public decimal FeePercent { get; init; }
    public decimal MinimumFee { get; init; }
    public decimal MinimumFeeReserve { get; init; }

    /// <summary>The order's terms, whole, as stored (the flat properties above are read from the same record).</summary>
    public Marketplace.Contracts.Orders.OrderTerms Terms =>
        System.Text.Json.JsonSerializer.Deserialize<Marketplace.Contracts.Orders.OrderTerms>(TermsJson, Json)!;
    [System.Text.Json.Serialization.JsonIgnore] public string TermsJson { get; init; } = "{}";
    /// <summary>The call for bids the order is in (0: it never tendered).</summary>
    public int TenderRound { get; init; }
    public Guid? ContractId { get; init; }
    public Guid? AwardedVendorOrgId { get; init; }
    public decimal? ContractPrice { get; init; }
    public DateTime? ContractDeliverBy { get; init; }
    public DateTime? DeliveredAt { get; init; }
    public int DeliveryAttempts { get; init; }

    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public const string Columns = """
        id, enterprise_org_id, title, instructions, task_type, mode, labels, overlap, unit_price, worker_reward, platform_fee,
        currency, item_count, budget, deadline, status AS status_name, funding_failure_reason, created_at, updated_at,
        multi_label, criteria::text AS criteria_json, data_grade, personal_information, industry, required_qualifications,
        required_accuracy, gold_share, sample_size, pass_threshold, funded_at, cancelled_at, refunded_amount, dataset_bytes,
        sample_rate, approved_assignments, released_amount, rework_funding, rework_funding_failure_reason, suite_size, lease_seconds, auto_approve_seconds,
        confidence_bar, overlap_cap, gold_item_count, gold_slots, fee_percent, minimum_fee, minimum_fee_reserve,
        terms::text AS terms_json, tender_round, contract_id, awarded_vendor_org_id, contract_price, contract_deliver_by,
        delivered_at, delivery_attempts
        """;

    /// <summary>An order as its owner (or an operator) sees it; another organisation's order does not exist for them.</summary>
    public static Task<OrderView?> FindAsync(NpgsqlConnection connection, Guid id, Guid? orgScope, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<OrderView>(
            $"SELECT {Columns} FROM orders WHERE id = @id AND (@orgScope::uuid IS NULL OR enterprise_org_id = @orgScope)",
            new { id, orgScope }, tx);
}
