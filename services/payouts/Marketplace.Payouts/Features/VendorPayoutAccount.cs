using Dapper;
using FluentValidation;
using Marketplace.Contracts.Payouts;
using Marketplace.Payouts.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>
/// An organisation (a vendor, or an enterprise taking unspent money out of its wallet) says which company bank account its
/// withdrawals go to. Stored sealed, shown back masked; the full number goes to the rail with each withdrawal. Setting it
/// needs the password again (a step-up token, as for a worker's payout method), and the organisation's owners are told
/// (VendorPayoutAccountSet, which also lets settlement refuse a withdrawal with nowhere to go).
/// </summary>
public static class VendorPayoutAccount
{
    public sealed record Request(string BankName, string AccountNumber, string HolderName);

    public sealed record Response(string BankName, string Account, string HolderName, DateTime UpdatedAt);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.BankName).NotEmpty().MinimumLength(2).MaximumLength(100);
            RuleFor(r => r.HolderName).NotEmpty().MinimumLength(2).MaximumLength(100);
            RuleFor(r => r.AccountNumber).NotEmpty().MaximumLength(60)
                .Must(a => Normalise(a).Length is >= 8 and <= 30 && Normalise(a).All(char.IsAsciiDigit))
                .WithMessage("'AccountNumber' is a company bank account: 8 to 30 digits (spaces and dashes allowed).");
        }
    }

    internal static string Normalise(string account) => account.Replace(" ", "").Replace("-", "");

    internal static string Mask(string account) => $"**** {account[^4..]}";

    public static RouteGroupBuilder MapVendorPayoutAccount(this RouteGroupBuilder group)
    {
        group.MapPut("/", Set).RequireAuthorization("enterprise-or-vendor").RequireOrgRole(OrgPermission.MoveMoney).Validate<Request>()
            .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", Get).RequireAuthorization("enterprise-or-vendor").Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> Set(Request request, HttpContext http, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, AccountVault vault, IOptions<PayoutOptions> options)
    {
        if (Reauthentication.Check(http.User, options.Value.ReauthWindow, clock.GetUtcNow()) is { } reauth) return reauth;
        var caller = Caller.From(http.User);
        var account = Normalise(request.AccountNumber);
        var masked = Mask(account);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var updatedAt = await connection.ExecuteScalarAsync<DateTime>("""
            INSERT INTO vendor_payout_accounts (vendor_org_id, bank_name, account_sealed, masked, holder)
            VALUES (@OrgId, @bank, @sealed, @masked, @holder)
            ON CONFLICT (vendor_org_id) DO UPDATE SET bank_name = EXCLUDED.bank_name, account = NULL, account_sealed = EXCLUDED.account_sealed,
                masked = EXCLUDED.masked, holder = EXCLUDED.holder, updated_at = now()
            RETURNING updated_at
            """, new { caller.OrgId, bank = request.BankName.Trim(), @sealed = vault.Seal(account, caller.OrgId), masked, holder = request.HolderName.Trim() }, tx);
        var shown = $"{request.BankName.Trim()} {masked}";
        await outbox.AddAsync(tx, new VendorPayoutAccountSet(caller.OrgId, shown, request.HolderName.Trim(), clock.GetUtcNow()));
        await tx.CommitAsync();
        return TypedResults.Ok(new Response(request.BankName.Trim(), masked, request.HolderName.Trim(), updatedAt));
    }

    private static async Task<IResult> Get(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Response>("""
            SELECT bank_name, masked AS account, holder AS holder_name, updated_at FROM vendor_payout_accounts WHERE vendor_org_id = @OrgId
            """, new { caller.OrgId });
        return row is null ? Problems.NotFound("Your payout account", "payout_account.not_found") : TypedResults.Ok(row);
    }
}
