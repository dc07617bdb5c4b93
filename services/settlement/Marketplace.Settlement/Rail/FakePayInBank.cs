using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Settlement.Rail;

/// <summary>
/// The fake bank's side of a deposit: it stands in for the enterprise paying at its own bank and the bank calling back.
/// Its mode is set per paying organisation by an operator: succeed (the default: the money arrives and is confirmed),
/// fail (the bank reports a failed transfer), timeout (no answer ever comes: the deposit stays pending until an
/// operator confirms it from the statement) or duplicate-callback (the confirmation arrives twice). It goes through the
/// same confirmation as the signed callback endpoint, and keeps its own books (what it received) for reconciliation.
/// </summary>
public sealed class FakePayInBank(NpgsqlDataSource db, TimeProvider clock) : IJob<FakePayInBank.Payload>
{
    public const string Name = "fake-pay-in-bank";

    public sealed record Payload(Guid DepositId, int Call);

    public static string TransactionId(Guid depositId) => $"FAKEPAYIN-{depositId.ToString("N")[^12..].ToUpperInvariant()}";

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var deposit = await connection.QuerySingleOrDefaultAsync<(string Reference, Guid OrgId, decimal Amount, string Currency)>(
            "SELECT reference, enterprise_org_id, amount, currency FROM deposits WHERE id = @DepositId", payload, tx);
        if (deposit.Reference is null) return;
        var mode = await connection.ExecuteScalarAsync<string?>(
            "SELECT mode FROM fake_pay_in_modes WHERE enterprise_org_id = @OrgId", new { deposit.OrgId }, tx) ?? "succeed";
        var now = clock.GetUtcNow();
        switch (mode)
        {
            case "timeout":
                return;
            case "fail":
                await PayIns.FailAsync(tx, deposit.Reference, "The payer's bank refused the transfer (fake bank, fail mode).", now);
                break;
            default:
                var bankTransactionId = TransactionId(payload.DepositId);
                await connection.ExecuteAsync("""
                    INSERT INTO fake_pay_ins (bank_transaction_id, reference, amount, currency) VALUES (@bankTransactionId, @Reference, @Amount, @Currency)
                    ON CONFLICT (bank_transaction_id) DO NOTHING
                    """, new { bankTransactionId, deposit.Reference, deposit.Amount, deposit.Currency }, tx);
                await PayIns.ConfirmAsync(tx, deposit.Reference, deposit.Amount, deposit.Currency, bankTransactionId, "rail", now);
                await connection.ExecuteAsync("UPDATE fake_pay_ins SET callbacks = callbacks + 1 WHERE bank_transaction_id = @bankTransactionId",
                    new { bankTransactionId }, tx);
                if (mode == "duplicate-callback" && payload.Call == 1)
                    await JobIntents.EnqueueAsync<FakePayInBank, Payload>(tx, payload with { Call = 2 }, uniqueKey: $"fake-pay-in:{payload.DepositId}:2");
                break;
        }
        await tx.CommitAsync(ct);
    }
}

/// <summary>Operators set the fake bank's pay-in mode per organisation and read what it received.</summary>
public static class FakePayInBankAdmin
{
    public sealed record ModeRequest(Guid EnterpriseOrgId, string Mode);

    public sealed class ModeValidator : AbstractValidator<ModeRequest>
    {
        public ModeValidator()
        {
            RuleFor(r => r.EnterpriseOrgId).NotEmpty();
            RuleFor(r => r.Mode).NotEmpty().Must(m => m is "succeed" or "fail" or "timeout" or "duplicate-callback")
                .WithMessage("'Mode' must be succeed, fail, timeout or duplicate-callback.");
        }
    }

    /// <summary>A transfer that reaches the bank and whose confirmation never comes (a lost callback, or a plain transfer
    /// an operator must match from the statement).</summary>
    public sealed record Arrival(string Reference, decimal Amount, string Currency);

    public sealed class ArrivalValidator : AbstractValidator<Arrival>
    {
        public ArrivalValidator()
        {
            RuleFor(r => r.Reference).NotEmpty().MaximumLength(32).Must(r => r is null || r.All(char.IsAsciiLetterOrDigit))
                .WithMessage("'Reference' is what the payer wrote on the transfer: letters and digits.");
            RuleFor(r => r.Amount).GreaterThan(0).LessThanOrEqualTo(100_000_000)
                .Must(a => decimal.Round(a, 2) == a).WithMessage("'Amount' has at most 2 decimal places (fen).");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == "CNY").WithMessage("'Currency' must be CNY.");
        }
    }

    public sealed record Received(string BankTransactionId, string Reference, decimal Amount, string Currency, DateTime ReceivedAt, int Callbacks);

    public static RouteGroupBuilder MapFakePayInBank(this RouteGroupBuilder group)
    {
        group.MapPut("/pay-ins/mode", async (ModeRequest request, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await connection.ExecuteAsync("""
                INSERT INTO fake_pay_in_modes (enterprise_org_id, mode) VALUES (@EnterpriseOrgId, @Mode)
                ON CONFLICT (enterprise_org_id) DO UPDATE SET mode = excluded.mode
                """, request);
            return TypedResults.Ok(request);
        }).RequireAuthorization(Roles.Operator).Validate<ModeRequest>();
        // The bank's test surface: money arrives, and the bank's books show it, but nobody is told.
        group.MapPost("/pay-ins", async (Arrival request, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var received = await connection.QuerySingleAsync<Received>("""
                INSERT INTO fake_pay_ins (bank_transaction_id, reference, amount, currency) VALUES (@id, @Reference, @Amount, @Currency)
                RETURNING bank_transaction_id, reference, amount, currency, received_at, callbacks
                """, new { id = $"FAKEPAYIN-{Guid.NewGuid().ToString("N")[^12..].ToUpperInvariant()}", request.Reference, request.Amount, request.Currency });
            return TypedResults.Created($"/fake-bank/pay-ins?reference={received.Reference}", received);
        }).RequireAuthorization(Roles.Operator).Validate<Arrival>().Produces<Received>(StatusCodes.Status201Created);
        group.MapGet("/pay-ins", async (string? reference, int? page, int? pageSize, NpgsqlDataSource db) =>
        {
            if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
            await using var connection = await db.OpenConnectionAsync();
            var items = (await connection.QueryAsync<Received>("""
                SELECT bank_transaction_id, reference, amount, currency, received_at, callbacks FROM fake_pay_ins
                WHERE @reference::text IS NULL OR reference = @reference
                ORDER BY received_at DESC, bank_transaction_id LIMIT @size OFFSET @offset
                """, new { reference, size, offset = (long)(number - 1) * size })).ToList();
            var total = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM fake_pay_ins WHERE @reference::text IS NULL OR reference = @reference", new { reference });
            return TypedResults.Ok(new PageOf<Received>(items, total, number, size));
        }).RequireAuthorization(Roles.Operator).Produces<PageOf<Received>>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }
}
