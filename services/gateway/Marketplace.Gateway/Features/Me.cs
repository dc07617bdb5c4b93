using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Features;

public static class Me
{
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder group)
    {
        group.MapGet("/me", async (HttpContext http, NpgsqlDataSource db) =>
        {
            var caller = Caller.From(http.User);
            await using var connection = await db.OpenConnectionAsync();
            var account = await Account.ByIdAsync(connection, caller.UserId);
            return account is null ? (IResult)Problems.NotFound("Your account") : TypedResults.Ok(account.View());
        });
        return group;
    }
}
