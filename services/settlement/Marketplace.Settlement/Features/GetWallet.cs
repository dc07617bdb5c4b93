using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Features;

public static class GetWallet
{
    /// <param name="Available">What the enterprise can spend: its credit less what is reserved.</param>
    /// <param name="Reserved">Budgets of published orders whose work has not started yet (pending escrow).</param>
    /// <param name="InEscrow">Money already in its orders' escrow accounts.</param>
    /// <param name="Withdrawing">Withdrawals to its bank account the bank has not answered yet (held, not spendable).</param>
    public sealed record Response(Guid OrganisationId, string Currency, decimal Available, decimal InEscrow, decimal Reserved, decimal Withdrawing);

    public static RouteGroupBuilder MapGetWallet(this RouteGroupBuilder group)
    {
        group.MapGet("/", Handle).RequireAuthorization(Roles.Enterprise);
        return group;
    }

    private static async Task<Ok<Response>> Handle(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        const string currency = "CNY";
        await using var connection = await db.OpenConnectionAsync();
        // Escrow accounts are per order; the orders this organisation funded are the escrow transactions it booked.
        const string sql = """
            SELECT
              coalesce((SELECT -balance - pending FROM accounts WHERE code = @walletCode), 0) AS available,
              coalesce((SELECT pending FROM accounts WHERE code = @walletCode), 0) - w.withdrawing AS reserved,
              w.withdrawing,
              coalesce((SELECT -sum(a.balance) FROM accounts a
                        WHERE a.kind = 'escrow' AND a.currency = @currency AND a.owner_id IN (
                          SELECT t.order_id FROM ledger_transactions t
                          JOIN postings p ON p.transaction_id = t.id
                          WHERE t.kind = 'escrow' AND p.account_id = (SELECT id FROM accounts WHERE code = @walletCode))), 0) AS in_escrow
            FROM (SELECT coalesce(sum(amount), 0) AS withdrawing FROM vendor_withdrawals
                  WHERE vendor_org_id = @orgId AND source = 'wallet' AND status = 'pending') w
            """;
        var row = await connection.QuerySingleAsync<(decimal Available, decimal Reserved, decimal Withdrawing, decimal InEscrow)>(sql, new
        {
            orgId = caller.OrgId,
            walletCode = AccountRef.Wallet(caller.OrgId, currency).Code,
            currency,
        });
        return TypedResults.Ok(new Response(caller.OrgId, currency, row.Available, row.InEscrow, row.Reserved, row.Withdrawing));
    }
}
