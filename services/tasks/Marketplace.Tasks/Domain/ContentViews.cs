using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Tasks.Domain;

/// <summary>
/// The audit of item content shown to people: one row per item shown, written with one multi-row insert per request
/// (claims write theirs inside the claim statement itself).
/// </summary>
public static class ContentViews
{
    public const string WorkerClaim = "worker_claim";
    public const string WorkerView = "worker_view";
    public const string EnterpriseReview = "enterprise_review";
    public const string OperatorView = "operator_view";
    /// <summary>A vendor reviewing its work package's submissions.</summary>
    public const string VendorReview = "vendor_review";
    /// <summary>Shown on orders' acceptance page (an item of the sample, no assignment): recorded from AcceptanceSampleViewed.</summary>
    public const string AcceptanceSample = "acceptance_sample";

    /// <summary>How a caller of a read endpoint sees content.</summary>
    public static string How(Caller caller) => caller.Role switch
    {
        Roles.Worker => WorkerView,
        Roles.Enterprise => EnterpriseReview,
        Roles.Vendor => VendorReview,
        _ => OperatorView,
    };

    public static async Task RecordAsync(NpgsqlConnection connection, Caller caller, string how,
        IReadOnlyCollection<(Guid AssignmentId, Guid OrderId, string ItemId)> shown, NpgsqlTransaction? tx = null)
    {
        if (shown.Count == 0) return;
        await connection.ExecuteAsync("""
            INSERT INTO content_views (order_id, item_id, assignment_id, viewer_id, viewer_org_id, viewer_role, how)
            SELECT v.order_id, v.item_id, v.assignment_id, @UserId, @OrgId, @Role, @how
            FROM unnest(@orderIds, @itemIds, @assignmentIds) AS v (order_id, item_id, assignment_id)
            """, new
        {
            caller.UserId, caller.OrgId, caller.Role, how,
            orderIds = shown.Select(s => s.OrderId).ToArray(), itemIds = shown.Select(s => s.ItemId).ToArray(),
            assignmentIds = shown.Select(s => s.AssignmentId).ToArray(),
        }, tx);
    }
}
