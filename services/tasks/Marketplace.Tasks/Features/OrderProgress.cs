using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>How far the crowd is with an order: its slots by state (one aggregate query, whatever the order's size).</summary>
public static class OrderProgress
{
    public sealed record Response(Guid OrderId, long TotalAssignments, long Open, long Leased, long Submitted, long Approved, long Withdrawn,
        decimal PercentApproved, DateTime? CompletedAt);

    public static RouteGroupBuilder MapOrderProgress(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/progress", Handle).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(Guid orderId, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<(Guid Owner, int Total, DateTime? CompletedAt)?>(
            "SELECT enterprise_org_id, total_assignments, completed_at FROM task_orders WHERE order_id = @orderId", new { orderId });
        if (order is null || (!caller.IsOperator && order.Value.Owner != caller.OrgId)) return Problems.NotFound($"Order {orderId}");
        var counts = (await connection.QueryAsync<(string Status, long Count)>(
            "SELECT status, count(*) FROM assignments WHERE order_id = @orderId GROUP BY status", new { orderId }))
            .ToDictionary(c => c.Status, c => c.Count);
        long Count(string status) => counts.GetValueOrDefault(status);
        var total = counts.Values.Sum();
        return TypedResults.Ok(new Response(orderId, total, Count("open"), Count("leased"), Count("submitted"), Count("approved"),
            Count("withdrawn"), total == 0 ? 0 : Math.Round(100m * Count("approved") / total, 1), order.Value.CompletedAt));
    }
}
