using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>An enterprise tops up its wallet (a confirmed bank transfer in): bank debit, wallet credit.</summary>
public static class Deposit
{
    public sealed record Request(decimal Amount, string Currency);

    public sealed record Response(Guid TransactionId, decimal Amount, string Currency, decimal Available);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Amount).GreaterThan(0).LessThanOrEqualTo(100_000_000)
                .Must(a => decimal.Round(a, 2) == a).WithMessage("'Amount' has at most 2 decimal places (fen).");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == "CNY").WithMessage("'Currency' must be CNY.");
        }
    }

    public static RouteGroupBuilder MapDeposit(this RouteGroupBuilder group)
    {
        group.MapPost("/deposits", Handle).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<Request>().WithIdempotencyKey()
            .Produces<Response>(StatusCodes.Status201Created);
        return group;
    }

    private static async Task<IResult> Handle(Request request, HttpContext http, NpgsqlDataSource db, TimeProvider clock)
    {
        var key = Idempotency.KeyOf(http.Request);
        if (key is null) return Idempotency.MissingKey();
        var caller = Caller.From(http.User);
        var scope = $"deposit:{caller.OrgId}";

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var claim = await Idempotency.ClaimAsync(tx, scope, key, request);
        if (claim.Outcome == IdempotencyOutcome.Mismatch) return Idempotency.KeyReused();
        if (claim.Outcome == IdempotencyOutcome.Replay) return Idempotency.ReplayOf(claim);

        var wallet = AccountRef.Wallet(caller.OrgId, request.Currency);
        var transactionId = await Ledger.BookAsync(tx, new LedgerEntry(
            $"deposit:{caller.OrgId}:{key}", "deposit", null, clock.GetUtcNow(),
            LedgerEntry.Transfer(AccountRef.Bank(request.Currency), wallet, request.Amount)));
        var available = -await connection.ExecuteScalarAsync<decimal>(
            "SELECT balance + pending FROM accounts WHERE code = @Code", new { wallet.Code }, tx);
        var response = new Response(transactionId!.Value, request.Amount, request.Currency, available);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status201Created, response);
        await tx.CommitAsync();
        return TypedResults.Created($"/wallet", response);
    }
}
