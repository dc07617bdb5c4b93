using Dapper;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>The enterprise publishes a draft (or retries after funding failed): settlement will reserve its budget.</summary>
public static class PublishOrder
{
    public static RouteGroupBuilder MapPublishOrder(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/publish", Handle).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Accepted<OrderView>, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<OrderView>(
            $"SELECT {OrderView.Columns} FROM orders WHERE id = @id AND enterprise_org_id = @OrgId FOR UPDATE", new { id, caller.OrgId }, tx);
        if (order is null) return Problems.NotFound($"Order {id}");
        if (order.ItemCount == 0)
            return Problems.Conflict($"Order {id} has no items yet: add them inline or upload a dataset first.", OrderProcess.Name(order.Status));
        if (order.GoldShare > 0 && order.GoldItemCount == 0)
            return Problems.Conflict($"Order {id} mixes in gold at {order.GoldShare:P0} but has no gold items: give some items a 'gold' answer.",
                OrderProcess.Name(order.Status));
        if (order.Terms.Tender is { } tender && tender.BidDeadline <= clock.GetUtcNow())
            return Problems.Conflict($"Order {id}'s bid deadline ({tender.BidDeadline:u}) has passed: draft the order again with a later one.",
                OrderProcess.Name(order.Status));
        var moved = await process.FireAsync(tx, id, OrderTrigger.Publish);
        if (!moved.Moved)
            return Problems.Conflict($"Order {id} is {OrderProcess.Name(moved.From)}; only a draft (or an order whose funding failed) can be published.",
                OrderProcess.Name(moved.From));
        order = (await OrderView.FindAsync(connection, id, null, tx))!;
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{id}", order);
    }
}
