using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Settlement.Features;

public static class ListAccounts
{
    private static readonly string[] Kinds = ["bank", "wallet", "escrow", "worker_payable", "vendor_payable", "platform_fee"];

    public sealed record AccountView(string Code, string Kind, Guid? OwnerId, string Currency, decimal Balance, decimal Pending);

    public static RouteGroupBuilder MapListAccounts(this RouteGroupBuilder group)
    {
        group.MapGet("/", Handle).RequireAuthorization(Roles.Operator).Produces<IEnumerable<AccountView>>();
        return group;
    }

    private static async Task<IResult> Handle(string? kind, Guid? ownerId, int? limit, NpgsqlDataSource db)
    {
        if (kind is not null && !Kinds.Contains(kind))
            return Problems.BadRequest("kind", $"'kind' must be one of {string.Join(", ", Kinds)}.");
        await using var connection = await db.OpenConnectionAsync();
        const string sql = """
            SELECT code, kind, owner_id, currency, balance, pending
            FROM accounts
            WHERE (@kind::text IS NULL OR kind = @kind) AND (@ownerId::uuid IS NULL OR owner_id = @ownerId)
            ORDER BY code
            LIMIT @take
            """;
        return TypedResults.Ok(await connection.QueryAsync<AccountView>(sql, new { kind, ownerId, take = Math.Clamp(limit ?? 500, 1, 5000) }));
    }
}
