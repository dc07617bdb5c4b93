using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features;

public static class ListOrders
{
    private static readonly IReadOnlyList<string> Statuses = Enum.GetValues<Process.OrderState>().Select(Process.OrderProcess.Name).ToList();

    public static RouteGroupBuilder MapListOrders(this RouteGroupBuilder group)
    {
        group.MapGet("/", Handle).RequireAuthorization("enterprise-or-operator").Produces<IEnumerable<OrderView>>();
        return group;
    }

    private static async Task<IResult> Handle(string? status, int? limit, HttpContext http, NpgsqlDataSource db)
    {
        if (status is not null && !Statuses.Contains(status))
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", Statuses)}.");
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var sql = $"""
            SELECT {OrderView.Columns} FROM orders
            WHERE (@orgScope::uuid IS NULL OR enterprise_org_id = @orgScope) AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC
            LIMIT @take
            """;
        return TypedResults.Ok(await connection.QueryAsync<OrderView>(sql, new
        {
            orgScope = caller.IsOperator ? (Guid?)null : caller.OrgId,
            status,
            take = Math.Clamp(limit ?? 100, 1, 500),
        }));
    }
}
