using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>The enterprise reviews its order's work (a vendor its work package's, by the package id) (all of it, or the items named by repeated ?itemId=); an operator sees any order's.</summary>
public static class ListOrderAssignments
{
    public static RouteGroupBuilder MapListOrderAssignments(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/assignments", Handle).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<List<AssignmentView>>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(Guid orderId, string[]? itemId, HttpContext http, NpgsqlDataSource db, ContentLinks links,
        TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var owner = await connection.ExecuteScalarAsync<Guid?>(
            "SELECT enterprise_org_id FROM task_orders WHERE order_id = @orderId", new { orderId });
        if (owner is null || (!caller.IsOperator && owner != caller.OrgId)) return Problems.NotFound($"Order {orderId}");
        var now = clock.GetUtcNow();
        var assignments = (await AssignmentView.ForOrderAsync(connection, orderId, itemId is { Length: > 0 } ? itemId : null))
            .Select(a => a.WithContentUrl(links, now)).ToList();
        await ContentViews.RecordAsync(connection, caller, ContentViews.How(caller), assignments.Select(a => (a.Id, a.OrderId, a.ItemId)).ToList());
        return TypedResults.Ok(assignments);
    }
}
