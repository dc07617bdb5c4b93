using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Bidding.Features;

public static class ListOpenOrders
{
    public sealed record OpenOrder(Guid OrderId, string Title, string Mode, string TaskType, decimal Budget, string Currency,
        DateTime Deadline, DateTime PublishedAt);

    public static RouteGroupBuilder MapListOpenOrders(this RouteGroupBuilder group)
    {
        group.MapGet("/", async (int? limit, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            return TypedResults.Ok(await connection.QueryAsync<OpenOrder>("""
                SELECT order_id, title, mode, task_type, budget, currency, deadline, published_at FROM open_orders
                WHERE deadline > now()
                ORDER BY published_at DESC LIMIT @take
                """, new { take = Math.Clamp(limit ?? 100, 1, 500) }));
        }).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Operator));
        return group;
    }
}
