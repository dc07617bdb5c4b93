using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>The signed-in caller's account and organisation, whatever their role.</summary>
public static class Me
{
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder group)
    {
        group.MapGet("/me", async Task<Results<Ok<UserView>, ProblemHttpResult>> (HttpContext http, NpgsqlDataSource db) =>
        {
            var caller = Caller.From(http.User);
            await using var connection = await db.OpenConnectionAsync();
            var account = await Account.ByIdAsync(connection, caller.UserId);
            // A valid token for an account that no longer exists (e.g. another environment's key).
            return account is null ? Problems.NotFound("Your account") : TypedResults.Ok(account.View());
        }).RequireAuthorization().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }
}
