using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// The enterprise reviews its order's work (a vendor its work package's, by the package id); an operator sees any
/// order's. A page at a time (page 1-10,000 of at most 500, ordered by item and slot; the whole count in X-Total-Count),
/// optionally only the items named by repeated ?itemId=, one status, or one appeal status. Only the rows returned are
/// audited as viewed.
/// </summary>
public static class ListOrderAssignments
{
    public const int MaxPageSize = 500;
    public const string TotalHeader = "X-Total-Count";
    private static readonly string[] Statuses = ["open", "leased", "submitted", "approved", "withdrawn"];
    private static readonly string[] AppealStatuses = ["pending", "upheld", "denied"];

    public static RouteGroupBuilder MapListOrderAssignments(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/assignments", Handle).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<List<AssignmentView>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(Guid orderId, string[]? itemId, string? status, string? appealStatus, int? page, int? pageSize,
        HttpContext http, NpgsqlDataSource db, ContentLinks links, TimeProvider clock)
    {
        if (page is < 1 or > Paging.MaxPage) return Problems.BadRequest("page", $"'page' must be between 1 and {Paging.MaxPage}.", "validation.out_of_range");
        if (pageSize is < 1 or > MaxPageSize) return Problems.BadRequest("pageSize", $"'pageSize' must be between 1 and {MaxPageSize}.", "validation.out_of_range");
        if (status is not null && !Statuses.Contains(status))
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", Statuses)}.", "validation.not_allowed");
        if (appealStatus is not null && !AppealStatuses.Contains(appealStatus))
            return Problems.BadRequest("appealStatus", $"'appealStatus' must be one of {string.Join(", ", AppealStatuses)}.", "validation.not_allowed");
        if (itemId is { Length: > MaxPageSize }) return Problems.BadRequest("itemId", $"Name at most {MaxPageSize} items.", "validation.out_of_range");
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var owner = await connection.ExecuteScalarAsync<Guid?>(
            "SELECT enterprise_org_id FROM task_orders WHERE order_id = @orderId", new { orderId });
        if (owner is null || (!caller.IsOperator && owner != caller.OrgId)) return Problems.NotFound($"Order {orderId}");
        var now = clock.GetUtcNow();
        var filter = new AssignmentView.Filter(itemId is { Length: > 0 } ? itemId : null, status, appealStatus);
        var (rows, total) = await AssignmentView.PageForOrderAsync(connection, orderId, filter, page ?? 1, pageSize ?? MaxPageSize);
        var assignments = rows.Select(a => a.WithContentUrl(links, now)).ToList();
        await ContentViews.RecordAsync(connection, caller, ContentViews.How(caller), assignments.Select(a => (a.Id, a.OrderId, a.ItemId)).ToList());
        http.Response.Headers[TotalHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(assignments);
    }
}
