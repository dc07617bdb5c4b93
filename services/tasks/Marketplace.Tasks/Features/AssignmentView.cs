using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>A class, not a positional record: Dapper binds PostgreSQL arrays (labels) to properties, not to constructors.</summary>
public sealed class AssignmentView
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public string ItemId { get; init; } = "";
    public int Slot { get; init; }
    public string Content { get; init; } = "";
    /// <summary>For a content:// item, a short-lived signed link the browser can load without a token; else null.</summary>
    public string? ContentUrl { get; private set; }
    public string Status { get; init; } = "";
    public Guid? WorkerId { get; init; }
    public DateTime? LeaseExpiresAt { get; init; }
    [System.Text.Json.Serialization.JsonIgnore] public string? AnswerJson { get; init; }
    public System.Text.Json.JsonElement? Answer => AnswerJson is null ? null : System.Text.Json.JsonDocument.Parse(AnswerJson).RootElement.Clone();
    public DateTime? SubmittedAt { get; init; }
    public DateTime? ApprovedAt { get; init; }
    public bool AutoApproved { get; init; }
    public string TaskType { get; init; } = "";
    public string[] Labels { get; init; } = [];
    public decimal WorkerReward { get; init; }
    public string Currency { get; init; } = "";
    public bool MultiLabel { get; init; }
    public string? ReworkFinding { get; init; }
    public string? RejectReasonCode { get; init; }
    public string? RejectComment { get; init; }
    public DateTime? AppealableUntil { get; init; }
    public string? AppealStatus { get; init; }
    public string? AppealMessage { get; init; }
    public string? AppealNote { get; init; }
    /// <summary>Gold and its result, and the too-fast flag: for the enterprise and operators, never shown to workers.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsGold { get; set; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? GoldCorrect { get; set; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? TooFast { get; set; }
    [System.Text.Json.Serialization.JsonIgnore] public string CriteriaJson { get; init; } = "[]";
    public System.Text.Json.JsonElement Criteria => System.Text.Json.JsonDocument.Parse(CriteriaJson).RootElement.Clone();
    [System.Text.Json.Serialization.JsonIgnore] public string? PrelabelJson { get; init; }
    /// <summary>A model's suggested answer for the item, {label, modelVersion, score}; null when there is none.</summary>
    public System.Text.Json.JsonElement? Prelabel => ParsePrelabel(PrelabelJson);

    public static System.Text.Json.JsonElement? ParsePrelabel(string? json)
    {
        if (json is null) return null;
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public AssignmentView WithContentUrl(ContentLinks links, DateTimeOffset now)
    {
        ContentUrl = links.LinkForContent(Content, now);
        return this;
    }

    private const string Select = """
        SELECT a.id, a.order_id, a.item_id, a.slot, a.content, a.status, a.worker_id, a.lease_expires_at, a.answer::text AS answer_json,
               a.submitted_at, a.approved_at, a.auto_approved, o.task_type, o.labels, o.worker_reward, o.currency,
               o.multi_label, o.criteria::text AS criteria_json, a.rework_finding, a.is_gold, a.gold_correct, a.too_fast,
               a.reject_reason_code, a.reject_comment, a.appealable_until, a.appeal_status, a.appeal_message, a.appeal_note,
               a.prelabel::text AS prelabel_json
        FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
        """;

    /// <summary>What a caller may see: a worker their own assignments, an enterprise its orders', an operator all.</summary>
    public static async Task<AssignmentView?> FindAsync(NpgsqlConnection connection, Guid id, Caller caller, NpgsqlTransaction? tx = null)
    {
        var view = await connection.QuerySingleOrDefaultAsync<AssignmentView>($"""
            {Select}
            WHERE a.id = @id
              AND (@role = 'operator'
                   OR (@role = 'worker' AND a.worker_id = @UserId)
                   OR (@role IN ('enterprise', 'vendor') AND o.enterprise_org_id = @OrgId))
            """, new { id, role = caller.Role, caller.UserId, caller.OrgId }, tx);
        if (view is not null && caller.Role == Roles.Worker) view.IsGold = view.GoldCorrect = view.TooFast = null;
        return view;
    }

    public static Task<IEnumerable<AssignmentView>> ForOrderAsync(NpgsqlConnection connection, Guid orderId, string[]? itemIds = null) =>
        connection.QueryAsync<AssignmentView>(
            $"{Select} WHERE a.order_id = @orderId AND (@itemIds::text[] IS NULL OR a.item_id = ANY(@itemIds)) ORDER BY a.item_id, a.slot",
            new { orderId, itemIds });
}
