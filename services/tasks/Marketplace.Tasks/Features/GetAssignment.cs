using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

public static class GetAssignment
{
    public static RouteGroupBuilder MapGetAssignment(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}", Handle).RequireAuthorization(p => p.RequireRole(Roles.Worker, Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<AssignmentView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(Guid id, HttpContext http, NpgsqlDataSource db, ContentLinks links, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var assignment = await AssignmentView.FindAsync(connection, id, caller);
        if (assignment is null) return Problems.NotFound($"Assignment {id}");
        var now = clock.GetUtcNow();
        // A released or lapsed lease gives no more content (nor a view to audit): the rest of the assignment is still shown.
        if (!assignment.ContentVisibleTo(caller, now)) return TypedResults.Ok(assignment.WithholdContent());
        await ContentViews.RecordAsync(connection, caller, ContentViews.How(caller), [(assignment.Id, assignment.OrderId, assignment.ItemId)]);
        return TypedResults.Ok(assignment.WithContentUrl(links, now));
    }
}
