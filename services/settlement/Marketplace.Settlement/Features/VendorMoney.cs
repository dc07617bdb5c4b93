using Dapper;
using FluentValidation;
using Marketplace.Contracts.Payouts;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// A vendor's money: what the platform owes it from accepted contracts (its vendor payable), what is on its way to its
/// bank, and withdrawals. A withdrawal holds the amount (accounts.pending) and asks payouts to pay it through the rail;
/// the ledger moves only when the bank answers (payable → bank when it confirms, the hold let go when it declines).
/// </summary>
public static class VendorMoney
{
    public const string Currency = "CNY";

    /// <param name="Balance">Owed to the vendor by the ledger (withdrawals on their way included).</param>
    /// <param name="Pending">Withdrawals the bank has not answered yet.</param>
    /// <param name="Available">What the vendor may withdraw now: Balance less Pending.</param>
    public sealed record AccountView(Guid VendorOrgId, string Currency, decimal Balance, decimal Pending, decimal Available,
        string? PayoutAccount, string? PayoutAccountHolder);

    public sealed record WithdrawalRequest(decimal Amount, string Currency);

    public sealed record WithdrawalView(Guid Id, decimal Amount, string Currency, string Destination, string Status, string? RailReference,
        string? FailureReason, DateTime RequestedAt, DateTime? CompletedAt);

    public sealed class WithdrawalValidator : AbstractValidator<WithdrawalRequest>
    {
        public WithdrawalValidator()
        {
            RuleFor(r => r.Amount).GreaterThan(0).LessThanOrEqualTo(100_000_000)
                .Must(a => decimal.Round(a, 2) == a).WithMessage("'Amount' has at most 2 decimal places (fen).");
            RuleFor(r => r.Currency).NotEmpty().Must(c => c == Currency).WithMessage("'Currency' must be CNY.");
        }
    }

    public static RouteGroupBuilder MapVendorMoney(this RouteGroupBuilder group)
    {
        group.MapGet("/account", Account).RequireAuthorization(Roles.Vendor).Produces<AccountView>();
        group.MapPost("/withdrawals", Withdraw).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.MoveMoney).Validate<WithdrawalRequest>().WithIdempotencyKey()
            .Produces<WithdrawalView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/withdrawals", Withdrawals).RequireAuthorization(Roles.Vendor).Produces<PageOf<WithdrawalView>>();
        group.MapGet("/withdrawals/{id:guid}", Withdrawal).RequireAuthorization(Roles.Vendor).Produces<WithdrawalView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private const string SelectWithdrawal = """
        SELECT id, amount, currency, destination, status, rail_reference, failure_reason, requested_at, completed_at FROM vendor_withdrawals
        """;

    private static async Task<Ok<AccountView>> Account(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(decimal Balance, decimal Pending, string? Masked, string? Holder)>("""
            SELECT coalesce((SELECT -balance FROM accounts WHERE code = @code), 0) AS balance,
                   coalesce((SELECT pending FROM accounts WHERE code = @code), 0) AS pending,
                   (SELECT masked FROM vendor_payout_accounts WHERE vendor_org_id = @OrgId) AS masked,
                   (SELECT holder FROM vendor_payout_accounts WHERE vendor_org_id = @OrgId) AS holder
            """, new { code = AccountRef.VendorPayable(caller.OrgId, Currency).Code, caller.OrgId });
        return TypedResults.Ok(new AccountView(caller.OrgId, Currency, row.Balance, row.Pending, row.Balance - row.Pending, row.Masked, row.Holder));
    }

    private static Task<IResult> Withdraw(WithdrawalRequest request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        return RequestWithdrawalAsync(http, request, AccountRef.VendorPayable(caller.OrgId, request.Currency), "vendor-withdrawal", "/vendor/withdrawals",
            db, outbox, clock);
    }

    /// <summary>
    /// One withdrawal of an organisation's money (a vendor's payable or an enterprise's wallet) to its bank account: under
    /// the account's row lock the amount must be available (credit less everything held: reserved budgets, withdrawals on
    /// their way), and it is held at once, so neither a second withdrawal nor an order's funding racing it can spend it again.
    /// </summary>
    internal static async Task<IResult> RequestWithdrawalAsync(HttpContext http, WithdrawalRequest request, AccountRef from, string scopeName,
        string location, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        var scope = $"{scopeName}:{caller.OrgId}";

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, request);
        if (answer is not null) return answer;

        var destination = await connection.ExecuteScalarAsync<string?>(
            "SELECT masked FROM vendor_payout_accounts WHERE vendor_org_id = @OrgId", new { caller.OrgId }, tx);
        if (destination is null)
            return Problems.Conflict("Set the company bank account to withdraw to first (PUT /api/payouts/vendor-account).",
                "no_payout_account");
        var available = await Ledger.LockAvailableAsync(tx, from);
        if (request.Amount > available)
            return Problems.Unprocessable($"You can withdraw at most {available:0.00##} {request.Currency} now.", "withdrawal.insufficient_funds");

        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        await connection.ExecuteAsync("""
            UPDATE accounts SET pending = pending + @Amount WHERE code = @Code;
            INSERT INTO vendor_withdrawals (id, vendor_org_id, amount, currency, destination, requested_by, source)
            VALUES (@id, @OrgId, @Amount, @Currency, @destination, @UserId, @Kind);
            """, new { request.Amount, from.Code, id, caller.OrgId, request.Currency, destination, caller.UserId, Kind = from.KindName }, tx);
        await outbox.AddAsync(tx, new SendVendorWithdrawal(id, caller.OrgId, request.Amount, request.Currency, now));
        var view = await connection.QuerySingleAsync<WithdrawalView>($"{SelectWithdrawal} WHERE id = @id", new { id }, tx);
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status202Accepted, view);
        await tx.CommitAsync();
        return TypedResults.Accepted($"{location}/{id}", view);
    }

    private static Task<IResult> Withdrawals(int? page, int? pageSize, HttpContext http, NpgsqlDataSource db) =>
        ListWithdrawalsAsync("vendor_payable", page, pageSize, http, db);

    private static Task<IResult> Withdrawal(Guid id, HttpContext http, NpgsqlDataSource db) => GetWithdrawalAsync("vendor_payable", id, http, db);

    /// <summary>The organisation's withdrawals from one kind of account, newest first, paged.</summary>
    internal static async Task<IResult> ListWithdrawalsAsync(string source, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var args = new { caller.OrgId, source, take = size, skip = (long)(number - 1) * size };
        var total = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM vendor_withdrawals WHERE vendor_org_id = @OrgId AND source = @source", args);
        var items = (await connection.QueryAsync<WithdrawalView>(
            $"{SelectWithdrawal} WHERE vendor_org_id = @OrgId AND source = @source ORDER BY requested_at DESC, id LIMIT @take OFFSET @skip", args)).ToList();
        return TypedResults.Ok(new PageOf<WithdrawalView>(items, total, number, size));
    }

    /// <summary>One of the organisation's withdrawals; another organisation's id is not found.</summary>
    internal static async Task<IResult> GetWithdrawalAsync(string source, Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var view = await connection.QuerySingleOrDefaultAsync<WithdrawalView>(
            $"{SelectWithdrawal} WHERE id = @id AND vendor_org_id = @OrgId AND source = @source", new { id, caller.OrgId, source });
        return view is null ? Problems.NotFound($"Withdrawal {id}") : TypedResults.Ok(view);
    }
}
