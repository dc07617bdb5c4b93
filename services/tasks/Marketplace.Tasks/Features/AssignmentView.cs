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
    public string Content { get; private set; } = "";
    /// <summary>True when the caller is a worker who no longer holds the item (released, lapsed, submitted): no content, no link.</summary>
    public bool ContentWithheld { get; private set; }
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
    /// <summary>A vendor's package: the order's title and instructions (null for a crowd order: the workers' feed has them).</summary>
    public string? Title { get; init; }
    public string? Instructions { get; init; }
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

    /// <summary>
    /// A worker sees an item's content only while holding its lease, or for its own rejected answer while it may still be
    /// (or is being) appealed; afterwards the content and fresh links are withheld. Others see what their role allows.
    /// </summary>
    public bool ContentVisibleTo(Caller caller, DateTimeOffset now) => caller.Role != Roles.Worker
        || (Status == "leased" && LeaseExpiresAt is { } expires && new DateTimeOffset(expires, TimeSpan.Zero) > now)
        || (Status == "rejected" && (AppealStatus == "pending" || (AppealStatus is null && AppealableUntil is { } until && new DateTimeOffset(until, TimeSpan.Zero) > now)));

    public AssignmentView WithholdContent()
    {
        Content = "";
        ContentUrl = null;
        ContentWithheld = true;
        return this;
    }

    public AssignmentView WithContentUrl(ContentLinks links, DateTimeOffset now)
    {
        ContentUrl = links.LinkForContent(Content, now);
        return this;
    }

    private const string Select = $"SELECT {Columns} {From}";
    private const string From = "FROM assignments a JOIN task_orders o ON o.order_id = a.order_id";
    private const string Columns = """
        a.id, a.order_id, a.item_id, a.slot, a.content, a.status, a.worker_id, a.lease_expires_at, a.answer::text AS answer_json,
               a.submitted_at, a.approved_at, a.auto_approved, o.task_type, o.labels, o.worker_reward, o.currency,
               o.multi_label, o.criteria::text AS criteria_json, a.rework_finding, a.is_gold, a.gold_correct, a.too_fast,
               a.reject_reason_code, a.reject_comment, a.appealable_until, a.appeal_status, a.appeal_message, a.appeal_note,
               a.prelabel::text AS prelabel_json
        """;

    /// <summary>What a caller may see: a worker their own assignments, an enterprise its orders', an operator all.</summary>
    public static async Task<AssignmentView?> FindAsync(NpgsqlConnection connection, Guid id, Caller caller, NpgsqlTransaction? tx = null)
    {
        // One assignment carries its package's brief (title, instructions); lists of them do not repeat it per row.
        var view = await connection.QuerySingleOrDefaultAsync<AssignmentView>($"""
            SELECT {Columns}, o.title, o.instructions {From}
            WHERE a.id = @id
              AND (@role = 'operator'
                   OR (@role = 'worker' AND a.worker_id = @UserId)
                   OR (@role IN ('enterprise', 'vendor') AND o.enterprise_org_id = @OrgId))
            """, new { id, role = caller.Role, caller.UserId, caller.OrgId }, tx);
        if (view is not null && caller.Role == Roles.Worker) view.IsGold = view.GoldCorrect = view.TooFast = null;
        return view;
    }

    public sealed record Filter(string[]? ItemIds, string? Status, string? AppealStatus);

    /// <summary>One page of an order's assignments (by item and slot) and how many match in all.</summary>
    public static async Task<(List<AssignmentView> Rows, long Total)> PageForOrderAsync(NpgsqlConnection connection, Guid orderId, Filter filter,
        int page, int pageSize)
    {
        const string where = """
            a.order_id = @orderId AND (@ItemIds::text[] IS NULL OR a.item_id = ANY(@ItemIds))
              AND (@Status::text IS NULL OR a.status = @Status) AND (@AppealStatus::text IS NULL OR a.appeal_status = @AppealStatus)
            """;
        var args = new { orderId, filter.ItemIds, filter.Status, filter.AppealStatus, size = pageSize, offset = (long)(page - 1) * pageSize };
        await using var results = await connection.QueryMultipleAsync($"""
            {Select} WHERE {where} ORDER BY a.item_id, a.slot LIMIT @size OFFSET @offset;
            SELECT count(*) FROM assignments a WHERE {where};
            """, args);
        var rows = (await results.ReadAsync<AssignmentView>()).ToList();
        return (rows, await results.ReadSingleAsync<long>());
    }

}
