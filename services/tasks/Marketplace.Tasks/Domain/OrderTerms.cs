using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Npgsql;

namespace Marketplace.Tasks.Domain;

/// <summary>What aggregation and delivery need to know about an order: its owner, task template and quality terms.</summary>
public sealed class OrderTerms
{
    public Guid OrderId { get; init; }
    public Guid EnterpriseOrgId { get; init; }
    public string TaskType { get; init; } = "";
    public string[] Labels { get; init; } = [];
    public bool MultiLabel { get; init; }
    public string CriteriaJson { get; init; } = "[]";
    public decimal? ConfidenceBar { get; init; }
    public int? OverlapCap { get; init; }
    public int TotalAssignments { get; init; }
    public int ApprovedAssignments { get; init; }
    public DateTime? CompletedAt { get; init; }
    public DateTime? CancelledAt { get; init; }
    public DateTime? LabelsAggregatedAt { get; init; }
    public int AggregationRounds { get; init; }
    public int DynamicSlots { get; init; }

    public TaskTemplate Template() => new(TaskType, Labels, MultiLabel,
        JsonSerializer.Deserialize<List<RubricCriterion>>(CriteriaJson, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? []);

    private const string Columns = """
        order_id, enterprise_org_id, task_type, labels, multi_label, criteria::text AS criteria_json, confidence_bar, overlap_cap,
        total_assignments, approved_assignments, completed_at, cancelled_at, labels_aggregated_at, aggregation_rounds, dynamic_slots
        """;

    public static Task<OrderTerms?> FindAsync(NpgsqlConnection connection, Guid orderId, NpgsqlTransaction? tx = null, bool forUpdate = false) =>
        connection.QuerySingleOrDefaultAsync<OrderTerms>(
            $"SELECT {Columns} FROM task_orders WHERE order_id = @orderId{(forUpdate ? " FOR NO KEY UPDATE" : "")}", new { orderId }, tx);
}
