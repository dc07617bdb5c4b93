using System.Security.Cryptography;
using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Settlement.Domain;
using Marketplace.Settlement.Rail;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// An enterprise tops up its wallet through the payment rail: asking makes a deposit intent (the amount, and a reference
/// to write on the bank transfer to the platform's collection account); the wallet is credited only when the bank
/// confirms the transfer (<see cref="PayIns"/>: a signed callback) or an operator confirms it against the bank
/// statement, once. Nothing an enterprise sends can credit its own wallet.
/// </summary>
public static class Deposit
{
    /// <summary>Unanswered deposits an organisation may have at once.</summary>
    public const int MaxPending = 20;

    public sealed record Request(decimal Amount, string Currency);

    public sealed record PayTo(string BankName, string AccountName, string AccountNumber);

    public sealed record DepositView(Guid Id, Guid EnterpriseOrgId, decimal Amount, string Currency, string Reference, string Status,
        string? FailureReason, string? BankTransactionId, string? ConfirmedBy, DateTime CreatedAt, DateTime? CompletedAt)
    {
        public PayTo? PayTo { get; init; }
    }

    public sealed record Confirmation(string BankTransactionId, decimal Amount);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Amount).GreaterThan(0).LessThanOrEqualTo(100_000_000)
                .Must(a => decimal.Round(a, 2) == a).WithMessage("'Amount' has at most 2 decimal places (fen).");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == "CNY").WithMessage("'Currency' must be CNY.");
        }
    }

    public sealed class ConfirmationValidator : AbstractValidator<Confirmation>
    {
        public ConfirmationValidator()
        {
            RuleFor(r => r.BankTransactionId).NotEmpty().MaximumLength(64).Must(PayIns.IsBankTransactionId)
                .WithMessage("'bankTransactionId' is the transaction id on the bank statement: letters, digits and dashes.");
            RuleFor(r => r.Amount).GreaterThan(0).LessThanOrEqualTo(100_000_000)
                .Must(a => decimal.Round(a, 2) == a).WithMessage("'Amount' has at most 2 decimal places (fen).");
        }
    }

    internal const string Select = """
        SELECT id, enterprise_org_id, amount, currency, reference, status, failure_reason, bank_transaction_id, confirmed_by,
               created_at, completed_at
        FROM deposits
        """;

    public static RouteGroupBuilder MapDeposit(this RouteGroupBuilder group)
    {
        group.MapPost("/deposits", Handle).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<Request>().WithIdempotencyKey()
            .LimitedBy(RateLimits.Deposits)
            .Produces<DepositView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/deposits", List).RequireAuthorization("enterprise-or-operator").Produces<PageOf<DepositView>>();
        group.MapGet("/deposits/{id:guid}", Get).RequireAuthorization("enterprise-or-operator").Produces<DepositView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/deposits/{id:guid}/confirm", Confirm).RequireAuthorization(Roles.Operator).Validate<Confirmation>().WithIdempotencyKey()
            .Produces<DepositView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<IResult> Handle(Request request, HttpContext http, NpgsqlDataSource db, IOptions<SettlementOptions> options)
    {
        var caller = Caller.From(http.User);
        var scope = $"deposit:{caller.OrgId}";

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, request);
        if (answer is not null) return answer;

        // One organisation's deposits are made one at a time, so the bound below holds.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('deposits:' || @OrgId::text, 0))", new { caller.OrgId }, tx);
        var pending = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM deposits WHERE enterprise_org_id = @OrgId AND status = 'pending'", new { caller.OrgId }, tx);
        if (pending >= MaxPending)
            return Problems.Conflict($"{pending} deposits wait for the bank already: pay or wait for those first.", code: "deposit.too_many_pending");

        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO deposits (id, enterprise_org_id, amount, currency, reference, requested_by)
            VALUES (@id, @OrgId, @Amount, @Currency, @reference, @UserId)
            """, new { id, caller.OrgId, request.Amount, request.Currency, reference = NewReference(), caller.UserId }, tx);
        // The fake bank stands in for the enterprise paying at its bank: it answers (or not) by its mode.
        await JobIntents.EnqueueAsync<FakePayInBank, FakePayInBank.Payload>(tx, new(id, 1), uniqueKey: $"fake-pay-in:{id}:1");
        var view = await ViewAsync(connection, id, options.Value, tx);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status201Created, view);
        await tx.CommitAsync();
        return TypedResults.Created($"/wallet/deposits/{id}", view);
    }

    private static async Task<IResult> List(string? status, Guid? orgId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db,
        IOptions<SettlementOptions> options)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        if (status is not null and not ("pending" or "credited" or "failed"))
            return Problems.BadRequest("status", "'status' must be pending, credited or failed.");
        var caller = Caller.From(http.User);
        var org = caller.IsOperator ? orgId : caller.OrgId;
        await using var connection = await db.OpenConnectionAsync();
        const string where = "WHERE (@org::uuid IS NULL OR enterprise_org_id = @org) AND (@status::text IS NULL OR status = @status)";
        var items = (await connection.QueryAsync<DepositView>($"""
            {Select} {where}
            ORDER BY created_at DESC, id DESC LIMIT @size OFFSET @offset
            """, new { org, status, size, offset = (long)(number - 1) * size })).Select(d => WithPayTo(d, options.Value)).ToList();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM deposits {where}", new { org, status });
        return TypedResults.Ok(new PageOf<DepositView>(items, total, number, size));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db, IOptions<SettlementOptions> options)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var deposit = await connection.QuerySingleOrDefaultAsync<DepositView>($"{Select} WHERE id = @id", new { id });
        if (deposit is null || (!caller.IsOperator && deposit.EnterpriseOrgId != caller.OrgId)) return Problems.NotFound($"Deposit {id}");
        return TypedResults.Ok(WithPayTo(deposit, options.Value));
    }

    /// <summary>An operator matches a transfer on the bank statement to a deposit (the enterprise paid by plain bank transfer).</summary>
    private static async Task<IResult> Confirm(Guid id, Confirmation request, HttpContext http, NpgsqlDataSource db, TimeProvider clock,
        IOptions<SettlementOptions> options)
    {
        var caller = Caller.From(http.User);
        var scope = $"deposit-confirm:{id}";
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, request);
        if (answer is not null) return answer;

        var reference = await connection.ExecuteScalarAsync<string?>("SELECT reference FROM deposits WHERE id = @id", new { id }, tx);
        if (reference is null) return Problems.NotFound($"Deposit {id}");
        var outcome = await PayIns.ConfirmAsync(tx, reference, request.Amount, "CNY", request.BankTransactionId, $"operator:{caller.UserId}", clock.GetUtcNow());
        if (PayIns.Refusal(outcome) is { } refused) return refused;
        var view = await ViewAsync(connection, id, options.Value, tx);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status200OK, view);
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }

    private static async Task<DepositView> ViewAsync(NpgsqlConnection connection, Guid id, SettlementOptions options, NpgsqlTransaction tx) =>
        WithPayTo(await connection.QuerySingleAsync<DepositView>($"{Select} WHERE id = @id", new { id }, tx), options);

    private static DepositView WithPayTo(DepositView deposit, SettlementOptions options) =>
        deposit.Status == "pending" ? deposit with { PayTo = new(options.PayTo.BankName, options.PayTo.AccountName, options.PayTo.AccountNumber) } : deposit;

    /// <summary>"MP" and 10 characters of Crockford's base32 (no I, L, O, U): easy to read out and type on a transfer.</summary>
    private static string NewReference()
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        return "MP" + string.Concat(RandomNumberGenerator.GetBytes(10).Select(b => alphabet[b % 32]));
    }
}
