using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features;

public static class GetOrder
{
    public static RouteGroupBuilder MapGetOrder(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}", Handle).RequireAuthorization("enterprise-or-operator").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Handle(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var order = await OrderView.FindAsync(connection, id, caller.IsOperator ? null : caller.OrgId);
        return order is null ? Problems.NotFound($"Order {id}") : TypedResults.Ok(order);
    }
}
