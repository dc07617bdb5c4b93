using Dapper;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>The enterprise publishes a draft (or retries after funding failed): settlement will escrow its budget.</summary>
public static class PublishOrder
{
    public static RouteGroupBuilder MapPublishOrder(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/publish", Handle).RequireAuthorization(Roles.Enterprise)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Accepted<OrderView>, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var status = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM orders WHERE id = @id AND enterprise_org_id = @OrgId FOR UPDATE", new { id, caller.OrgId }, tx);
        if (status is null) return Problems.NotFound($"Order {id}");
        if (!OrderStatus.CanMove(status, OrderStatus.Published))
            return Problems.Conflict($"Order {id} is {status}; only a draft (or an order whose funding failed) can be published.", status);

        var order = (await OrderView.FindAsync(connection, id, null, tx))!;
        if (order.ItemCount == 0)
            return Problems.Conflict($"Order {id} has no items yet: add them inline or upload a dataset first.", status);
        if (order.GoldShare > 0 && order.GoldItemCount == 0)
            return Problems.Conflict($"Order {id} mixes in gold at {order.GoldShare:P0} but has no gold items: give some items a 'gold' answer.", status);
        await OrderTransitions.MoveAsync(tx, id, status, OrderStatus.Published);
        order = (await OrderView.FindAsync(connection, id, null, tx))!;
        // The order's data: the uploaded manifest's bytes (or the inline items' text) plus its media files.
        const string dataBytes = """
            SELECT (CASE WHEN o.dataset_bytes > 0 THEN o.dataset_bytes
                         ELSE (SELECT coalesce(sum(octet_length(i.content)), 0) FROM order_items i WHERE i.order_id = o.id) END)
                 + (SELECT coalesce(sum(f.bytes), 0) FROM content_files f WHERE f.order_id = o.id)
            FROM orders o WHERE o.id = @id
            """;
        var bytes = await connection.ExecuteScalarAsync<long>(dataBytes, new { id }, tx);
        await outbox.AddAsync(tx, new OrderPublished(order.Id, order.EnterpriseOrgId, order.Title, order.Mode, order.TaskType,
            order.Budget, order.Currency, order.Deadline, clock.GetUtcNow(), order.DataGrade, order.Industry, order.FeePercent, order.MinimumFee,
            order.ItemCount, bytes));
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{id}", order);
    }
}
