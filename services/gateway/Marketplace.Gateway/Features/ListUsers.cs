using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>Operators review who has joined: newest first, optionally one role.</summary>
public static class ListUsers
{
    public static RouteGroupBuilder MapListUsers(this RouteGroupBuilder group)
    {
        group.MapGet("/users", async Task<Results<Ok<IEnumerable<UserView>>, ProblemHttpResult>> (
            string? role, int? limit, NpgsqlDataSource db) =>
        {
            if (role is not null && !Roles.All.Contains(role))
                return Problems.BadRequest("role", "'role' must be enterprise, vendor, worker or operator.");
            await using var connection = await db.OpenConnectionAsync();
            var accounts = await Account.ListAsync(connection, role, Math.Clamp(limit ?? 100, 1, 1000));
            return TypedResults.Ok(accounts.Select(a => a.View()));
        }).RequireAuthorization(Roles.Operator);
        return group;
    }
}
