using Dapper;
using FluentValidation;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// An enterprise rewards a worker who did approved work on one of its orders: the bonus moves from the wallet's available
/// money to the worker's payable, and payouts records it as an earning (held like the rest).
/// </summary>
public static class GrantBonus
{
    public sealed record Request(Guid WorkerId, Guid OrderId, decimal Amount, string Currency, string Reason);

    public sealed record Response(Guid BonusId, Guid WorkerId, Guid OrderId, decimal Amount, string Currency, string Reason, decimal Available);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.WorkerId).NotEmpty();
            RuleFor(r => r.OrderId).NotEmpty();
            RuleFor(r => r.Amount).GreaterThan(0).LessThanOrEqualTo(100_000)
                .Must(a => decimal.Round(a, 2) == a).WithMessage("'Amount' has at most 2 decimal places (fen).");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == "CNY").WithMessage("'Currency' must be CNY.");
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
        }
    }

    public static RouteGroupBuilder MapGrantBonus(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<Request>().WithIdempotencyKey()
            .Produces<Response>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>
    /// The bonus locks the wallet, then the worker's payable; an approval batch that also refunds a cancelled order holds a
    /// payable and then wants the wallet. PostgreSQL breaks such a deadlock by failing one side: the bonus tries again
    /// (its transaction, idempotency key included, was rolled back, so nothing moved).
    /// </summary>
    private static async Task<IResult> Handle(Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await GrantAsync(request, http, db, outbox, clock);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 4)
            {
                await Task.Delay(Random.Shared.Next(10, 50) * attempt);
            }
        }
    }

    private static async Task<IResult> GrantAsync(Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        var scope = $"bonus:{caller.OrgId}";

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, request);
        if (answer is not null) return answer;

        // Only the caller's own orders exist for it; only a worker with approved work on that order can be rewarded.
        var ownOrder = await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM order_terms WHERE order_id = @OrderId AND enterprise_org_id = @OrgId)",
            new { request.OrderId, caller.OrgId }, tx);
        if (!ownOrder) return Problems.NotFound($"Order {request.OrderId}");
        var payable = AccountRef.WorkerPayable(request.WorkerId, request.Currency);
        var worked = await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (
                SELECT 1 FROM ledger_transactions t
                JOIN postings p ON p.transaction_id = t.id
                JOIN accounts a ON a.id = p.account_id
                WHERE t.order_id = @OrderId AND t.kind = 'approval' AND a.code = @Code
                  AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.business_key = 'reversal:' || t.business_key))
            """, new { request.OrderId, payable.Code }, tx);
        if (!worked) return Problems.NotFound($"An approved assignment of worker {request.WorkerId} on order {request.OrderId}");

        var wallet = AccountRef.Wallet(caller.OrgId, request.Currency);
        var available = await Ledger.LockAvailableAsync(tx, wallet);
        if (available < request.Amount)
            return Problems.Conflict($"The wallet has {available:0.00##} {request.Currency} available; the bonus is {request.Amount:0.00} {request.Currency}.",
                new { available });

        var now = clock.GetUtcNow();
        var bonusId = (await Ledger.BookAsync(tx, new LedgerEntry($"bonus:{caller.OrgId}:{key}", "bonus", request.OrderId, now,
            LedgerEntry.Transfer(wallet, payable, request.Amount))))!.Value;
        await outbox.AddAsync(tx, new WorkerBonusGranted(bonusId, request.WorkerId, request.OrderId, caller.OrgId, request.Amount,
            request.Currency, request.Reason, now));
        var response = new Response(bonusId, request.WorkerId, request.OrderId, request.Amount, request.Currency, request.Reason,
            available - request.Amount);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status201Created, response);
        await tx.CommitAsync();
        return TypedResults.Created($"/bonuses/{bonusId}", response);
    }
}
