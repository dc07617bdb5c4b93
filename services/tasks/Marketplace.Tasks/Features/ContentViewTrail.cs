using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>Who saw which item of an order, when and how, newest first: for the order's enterprise and operators.</summary>
public static class ContentViewTrail
{
    public sealed record View(long Id, string ItemId, Guid? AssignmentId, Guid ViewerId, Guid ViewerOrgId, string ViewerRole, string How, DateTime ViewedAt);

    public static RouteGroupBuilder MapContentViewTrail(this RouteGroupBuilder orders)
    {
        orders.MapGet("/{orderId:guid}/content-views", Handle).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<Paged<View>>().ProducesProblem(StatusCodes.Status404NotFound);
        return orders;
    }

    private static async Task<IResult> Handle(Guid orderId, string? itemId, Guid? viewerId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        int p = page ?? 1, size = pageSize ?? 50;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var owner = await connection.ExecuteScalarAsync<Guid?>("SELECT enterprise_org_id FROM task_orders WHERE order_id = @orderId", new { orderId });
        if (owner is null || (!caller.IsOperator && owner != caller.OrgId)) return Problems.NotFound($"Order {orderId}");
        await using var results = await connection.QueryMultipleAsync("""
            SELECT id, item_id, assignment_id, viewer_id, viewer_org_id, viewer_role, how, viewed_at FROM content_views
            WHERE order_id = @orderId AND (@itemId::text IS NULL OR item_id = @itemId) AND (@viewerId::uuid IS NULL OR viewer_id = @viewerId)
            ORDER BY id DESC LIMIT @size OFFSET @offset;
            SELECT count(*) FROM content_views
            WHERE order_id = @orderId AND (@itemId::text IS NULL OR item_id = @itemId) AND (@viewerId::uuid IS NULL OR viewer_id = @viewerId);
            """, new { orderId, itemId, viewerId, size, offset = (p - 1) * size });
        var items = (await results.ReadAsync<View>()).ToList();
        return TypedResults.Ok(new Paged<View>(items, await results.ReadSingleAsync<long>(), p, size));
    }
}
