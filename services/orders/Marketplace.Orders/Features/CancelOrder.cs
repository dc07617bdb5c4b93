using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// The enterprise cancels its order. Nothing started: the whole escrow comes back (and an open call for bids closes).
/// Work in progress: open and leased assignments are withdrawn, work already submitted is paid, and the rest of the
/// escrow comes back (settlement books the refund once every approval is booked, and answers OrderRefunded).
/// </summary>
public static class CancelOrder
{
    public static RouteGroupBuilder MapCancelOrder(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/cancel", Handle).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Accepted<OrderView>, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var moved = await process.FireAsync(tx, id, OrderTrigger.Cancel, orgScope: caller.OrgId);
        if (moved.Result == OrderProcessRunner.Result.NotFound) return Problems.NotFound($"Order {id}");
        if (!moved.Moved)
            return Problems.Conflict($"Order {id} is {OrderProcess.Name(moved.From)}; a delivered, accepted or closed order cannot be cancelled.",
                OrderProcess.Name(moved.From));
        var order = (await OrderView.FindAsync(connection, id, null, tx))!;
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{id}", order);
    }
}
