using Dapper;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// The enterprise cancels its order. Nothing started: the whole escrow comes back. Work in progress: open and leased
/// assignments are withdrawn, work already submitted is paid, and the rest of the escrow comes back
/// (settlement books the refund once every approval is booked, and answers OrderRefunded).
/// </summary>
public static class CancelOrder
{
    public static RouteGroupBuilder MapCancelOrder(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/cancel", Handle).RequireAuthorization(Roles.Enterprise)
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
        if (!OrderStatus.CanMove(status, OrderStatus.Cancelled))
            return Problems.Conflict($"Order {id} is {status}; a delivered, accepted or closed order cannot be cancelled.", status);

        await OrderTransitions.MoveAsync(tx, id, status, OrderStatus.Cancelled);
        await connection.ExecuteAsync("UPDATE orders SET cancelled_at = now() WHERE id = @id", new { id }, tx);
        var order = (await OrderView.FindAsync(connection, id, null, tx))!;
        // A draft never moved money; anything later may have (or may still be about to) put money in escrow.
        if (status != OrderStatus.Draft)
        {
            var workStarted = status is OrderStatus.InProgress or OrderStatus.Rework;
            await outbox.AddAsync(tx, new OrderCancelled(id, order.EnterpriseOrgId, workStarted, order.Currency, clock.GetUtcNow()));
        }
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{id}", order);
    }
}
