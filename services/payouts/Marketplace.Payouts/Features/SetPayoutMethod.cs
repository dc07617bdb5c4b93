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
/// A worker says where to be paid: a bank card or an Alipay account. It is stored sealed (<see cref="AccountVault"/>) and
/// shown back masked. Setting or changing it needs the password again (a step-up token, <see cref="Reauthentication"/>),
/// so a stolen sign-in token cannot redirect the worker's money; the worker is told in-app (PayoutMethodChanged).
/// </summary>
public static class SetPayoutMethod
{
    public sealed record Request(string Method, string Account, string HolderName);

    public sealed record Response(string Method, string Account, string HolderName, DateTime UpdatedAt);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Method).NotEmpty().Must(m => m is PayoutMethod.BankCard or PayoutMethod.Alipay)
                .WithMessage("'Method' must be bank_card or alipay.");
            RuleFor(r => r.Account).NotEmpty().MaximumLength(100)
                .Custom((account, context) =>
                {
                    var method = context.InstanceToValidate.Method;
                    if (method is not (PayoutMethod.BankCard or PayoutMethod.Alipay)) return;
                    if (PayoutMethod.Problem(method, Normalise(method, account)) is { } problem) context.AddFailure("Account", problem);
                });
            RuleFor(r => r.HolderName).NotEmpty().MaximumLength(100);
        }
    }

    internal static string Normalise(string method, string account) =>
        method == PayoutMethod.BankCard ? PayoutMethod.Normalise(account) : account.Trim();

    public static RouteGroupBuilder MapPayoutMethod(this RouteGroupBuilder group)
    {
        group.MapPut("/", Set).RequireAuthorization(Roles.Worker).RequireOrgRole(OrgPermission.MoveMoney).Validate<Request>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", Get).RequireAuthorization(Roles.Worker).Produces<Response>().Produces(StatusCodes.Status204NoContent);
        return group;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> Set(Request request, HttpContext http, NpgsqlDataSource db,
        AccountVault vault, Outbox outbox, IOptions<PayoutOptions> options, TimeProvider clock)
    {
        if (Reauthentication.Check(http.User, options.Value.ReauthWindow, clock.GetUtcNow()) is { } reauth) return reauth;
        var caller = Caller.From(http.User);
        var account = Normalise(request.Method, request.Account);
        var masked = PayoutMethod.Mask(request.Method, account);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var updatedAt = await connection.ExecuteScalarAsync<DateTime>("""
            INSERT INTO payout_methods (worker_id, kind, account_sealed, masked, holder) VALUES (@UserId, @Method, @sealed, @masked, @holder)
            ON CONFLICT (worker_id) DO UPDATE SET kind = EXCLUDED.kind, account = NULL, account_sealed = EXCLUDED.account_sealed,
                                                  masked = EXCLUDED.masked, holder = EXCLUDED.holder, updated_at = now()
            RETURNING updated_at
            """, new { caller.UserId, request.Method, @sealed = vault.Seal(account, caller.UserId), masked, holder = request.HolderName.Trim() }, tx);
        await outbox.AddAsync(tx, new PayoutMethodChanged(caller.UserId, request.Method, masked, clock.GetUtcNow()));
        await tx.CommitAsync();
        return TypedResults.Ok(new Response(request.Method, masked, request.HolderName.Trim(), updatedAt));
    }

    private static async Task<IResult> Get(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Response>(
            "SELECT kind AS method, masked AS account, holder AS holdername, updated_at AS updatedat FROM payout_methods WHERE worker_id = @UserId", new { caller.UserId });
        // None yet is an ordinary answer, not an error: 204 (a 404 would be logged as a failed load on every earnings page).
        return row is null ? TypedResults.NoContent() : TypedResults.Ok(row);
    }
}
