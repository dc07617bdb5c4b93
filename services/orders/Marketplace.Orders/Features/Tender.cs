using Dapper;
using FluentValidation;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// What an enterprise does with a tender that needs it: extend the call's bid deadline (while open, or after it closed
/// with no bids), tender again (a new round after no bids, optionally with a new deadline), or give the work to the crowd
/// instead (after no bids; never for core-grade data).
/// </summary>
public static class Tender
{
    public sealed record Deadline(DateTimeOffset? BidDeadline);

    public sealed class Validator : AbstractValidator<Deadline>
    {
        public Validator(TimeProvider clock) =>
            RuleFor(d => d.BidDeadline).NotNull().Must(d => d > clock.GetUtcNow()).WithMessage("'bidDeadline' must be in the future.");
    }

    public static RouteGroupBuilder MapTender(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/tender/extend", (Guid id, Deadline request, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process) =>
                MoveAsync(id, OrderTrigger.ExtendCall, request.BidDeadline, http, db, process))
            .RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<Deadline>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/tender/retender", (Guid id, Deadline request, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process) =>
                MoveAsync(id, OrderTrigger.Retender, request.BidDeadline, http, db, process))
            .RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<Deadline>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/tender/switch-to-crowd", (Guid id, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process) =>
                MoveAsync(id, OrderTrigger.SwitchToCrowd, null, http, db, process))
            .RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Accepted<OrderView>, ProblemHttpResult>> MoveAsync(
        Guid id, OrderTrigger trigger, DateTimeOffset? bidDeadline, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<OrderView>(
            $"SELECT {OrderView.Columns} FROM orders WHERE id = @id AND enterprise_org_id = @OrgId FOR UPDATE", new { id, caller.OrgId }, tx);
        if (order is null) return Problems.NotFound($"Order {id}");
        if (bidDeadline is { } d && d >= order.Terms.Deadline)
            return Problems.BadRequest("bidDeadline", $"'bidDeadline' must be before the order's deadline ({order.Terms.Deadline:u}).");
        if (bidDeadline is { } newDeadline && order.Terms.Tender is not null)
        {
            await connection.ExecuteAsync("""
                UPDATE orders SET terms = jsonb_set(terms, '{tender,bidDeadline}', to_jsonb(@bidDeadline::timestamptz)) WHERE id = @id
                """, new { id, bidDeadline = newDeadline.UtcDateTime }, tx);
        }
        var moved = await process.FireAsync(tx, id, trigger, bidDeadline is { } b ? $"bid deadline {b:u}" : null);
        if (!moved.Moved)
        {
            var core = trigger == OrderTrigger.SwitchToCrowd && order.DataGrade == "core" && moved.From == OrderState.NoBids;
            var why = core ? "core-grade data never goes to the crowd" : $"it is {OrderProcess.Name(moved.From)}";
            return Problems.Conflict($"Order {id} cannot {Describe(trigger)}: {why}.", OrderProcess.Name(moved.From),
                code: core ? "order.core_data_never_crowd" : null);
        }
        var view = (await OrderView.FindAsync(connection, id, null, tx))!;
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{id}", view);
    }

    private static string Describe(OrderTrigger trigger) => trigger switch
    {
        OrderTrigger.ExtendCall => "extend its call for bids (only while the call is open or after it closed with no bids)",
        OrderTrigger.Retender => "tender again (only after a call closed with no bids)",
        OrderTrigger.SwitchToCrowd => "switch to the crowd (only after a call closed with no bids)",
        _ => trigger.ToString(),
    };
}
