using Dapper;
using FluentValidation;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// The enterprise moves a crowd order's deadline later while its work is in progress and the deadline has not passed
/// (it is warned a day before: OrderDeadlineApproaching). A contract's deadline is what the vendor agreed to: it is not
/// moved here, and delivering after it pays the contract's penalty.
/// </summary>
public static class ExtendDeadline
{
    /// <summary>How far past its current deadline one extension may move an order.</summary>
    public static readonly TimeSpan MaxExtension = TimeSpan.FromDays(365);

    public sealed record Request(DateTimeOffset? Deadline);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock) =>
            RuleFor(r => r.Deadline).NotNull().Must(d => d > clock.GetUtcNow()).WithMessage("'deadline' must be in the future.");
    }

    public static RouteGroupBuilder MapExtendDeadline(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/deadline", ExtendAsync)
            .RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<Request>()
            .Produces<OrderView>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> ExtendAsync(
        Guid id, Request request, HttpContext http, NpgsqlDataSource db, OrderProcessRunner process, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        var deadline = request.Deadline!.Value.ToUniversalTime();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<OrderView>(
            $"SELECT {OrderView.Columns} FROM orders WHERE id = @id AND enterprise_org_id = @OrgId FOR UPDATE", new { id, caller.OrgId }, tx);
        if (order is null) return Problems.NotFound($"Order {id}");
        var current = order.Terms.Deadline;
        if (current <= clock.GetUtcNow())
            return Problems.Conflict($"Order {id}'s deadline ({current:u}) has passed: its unfinished work is being withdrawn.",
                OrderProcess.Name(order.Status), "deadline_passed");
        if (deadline <= current)
            return Problems.BadRequest("deadline", $"'deadline' must be later than the order's current deadline ({current:u}).");
        if (deadline > current + MaxExtension)
            return Problems.BadRequest("deadline", $"'deadline' may move the order's deadline at most {MaxExtension.TotalDays:0} days later.");

        await connection.ExecuteAsync("""
            UPDATE orders SET terms = jsonb_set(terms, '{deadline}', to_jsonb(@deadline::timestamptz)), deadline_warned_at = NULL
            WHERE id = @id
            """, new { id, deadline = deadline.UtcDateTime }, tx);
        var moved = await process.FireAsync(tx, id, OrderTrigger.ExtendDeadline, $"deadline {current:u} → {deadline:u}");
        if (!moved.Moved)
            return Problems.Conflict(
                $"Order {id} cannot have its deadline extended: it is {OrderProcess.Name(moved.From)} (only crowd work in progress can).",
                OrderProcess.Name(moved.From));
        var view = (await OrderView.FindAsync(connection, id, null, tx))!;
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }
}
