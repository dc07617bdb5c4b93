using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Microsoft.Extensions.Options;
using Npgsql;
using static Marketplace.Settlement.Features.VendorMoney;

namespace Marketplace.Settlement.Features;

/// <summary>
/// An enterprise takes unspent money out of its wallet to its own bank account (set in payouts like a vendor's, sealed),
/// by the vendors' withdrawal path: held in the wallet at once, paid by payouts through the rail, booked wallet → bank when
/// the bank pays, let go when it declines. Moving money out needs the password again (a step-up token), like changing
/// where a worker is paid: a stolen sign-in token must not be enough to empty a wallet.
/// </summary>
public static class WalletWithdrawals
{
    public static RouteGroupBuilder MapWalletWithdrawals(this RouteGroupBuilder group)
    {
        group.MapPost("/withdrawals", Withdraw).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney)
            .Validate<WithdrawalRequest>().WithIdempotencyKey()
            .Produces<WithdrawalView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/withdrawals", (int? page, int? pageSize, HttpContext http, NpgsqlDataSource db) =>
                ListWithdrawalsAsync("wallet", page, pageSize, http, db))
            .RequireAuthorization(Roles.Enterprise).Produces<PageOf<WithdrawalView>>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/withdrawals/{id:guid}", (Guid id, HttpContext http, NpgsqlDataSource db) => GetWithdrawalAsync("wallet", id, http, db))
            .RequireAuthorization(Roles.Enterprise).Produces<WithdrawalView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static Task<IResult> Withdraw(WithdrawalRequest request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock,
        IOptions<SettlementOptions> options)
    {
        if (Reauthentication.Check(http.User, options.Value.ReauthWindow, clock.GetUtcNow()) is { } reauth) return Task.FromResult<IResult>(reauth);
        var caller = Caller.From(http.User);
        return RequestWithdrawalAsync(http, request, AccountRef.Wallet(caller.OrgId, request.Currency), "wallet-withdrawal", "/wallet/withdrawals",
            db, outbox, clock);
    }
}
