using Dapper;
using FluentValidation;
using Marketplace.Contracts.Payouts;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>
/// An operator takes back an earning while it is still held (e.g. a rejection upheld after appeal), with a reason the
/// worker sees. Settlement books the reversing transaction. Once available (or paid), an earning can no longer be reversed.
/// </summary>
public static class ReverseEarning
{
    public sealed record Request(string Reason);

    public sealed record Response(Guid EarningId, string Status, decimal Amount, string Currency, string Reason);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
    }

    public static RouteGroupBuilder MapReverseEarning(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/reverse", Handle).RequireAuthorization(Roles.Operator).Validate<Request>().WithIdempotencyKey()
            .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private sealed record Earning(Guid Id, string Kind, Guid? AssignmentId, Guid? BonusId, Guid WorkerId, Guid OrderId, decimal Amount,
        string Currency, string Status);

    private static async Task<IResult> Handle(Guid id, Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var scope = $"reverse-earning:{id}";
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, request);
        if (answer is not null) return answer;

        var earning = await connection.QuerySingleOrDefaultAsync<Earning>("""
            SELECT id, kind, assignment_id, bonus_id, worker_id, order_id, amount, currency, status FROM earnings WHERE id = @id FOR UPDATE
            """, new { id }, tx);
        if (earning is null) return Problems.NotFound($"Earning {id}");
        if (earning.Status != "held")
            return Problems.Conflict($"Earning {id} is {earning.Status}: only a held earning can be reversed.", new { earning.Status });

        var now = clock.GetUtcNow();
        await connection.ExecuteAsync("""
            UPDATE worker_balances SET held = held - @Amount WHERE worker_id = @WorkerId AND currency = @Currency;
            UPDATE earnings SET status = 'reversed', reversed_at = @now, reversal_reason = @Reason WHERE id = @Id;
            """, new { earning.Amount, earning.WorkerId, earning.Currency, earning.Id, now = now.UtcDateTime, request.Reason }, tx);
        await outbox.AddAsync(tx, new EarningReversed(earning.Id, earning.Kind, earning.AssignmentId, earning.BonusId, earning.WorkerId,
            earning.OrderId, earning.Amount, earning.Currency, request.Reason, now));
        var response = new Response(earning.Id, "reversed", earning.Amount, earning.Currency, request.Reason);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status200OK, response);
        await tx.CommitAsync();
        return TypedResults.Ok(response);
    }
}
