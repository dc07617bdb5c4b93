using Marketplace.Gateway.Organisations;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>
/// The signed-in caller's account and the organisation it founded, whatever their role, and the organisation the token
/// acts for (<see cref="ActingForView"/>): after a switch that is another one, with the person's role there.
/// </summary>
public static class Me
{
    /// <summary>The membership the token acts for, as stored now (null once the person was removed from it).</summary>
    public sealed record ActingForView(Guid OrganisationId, string OrganisationName, string OrganisationKind, string OrgRole);

    public sealed record MeView(Guid UserId, string Email, string Role, string DisplayName, Guid OrganisationId,
        string OrganisationName, string OrganisationKind, DateTime CreatedAt, ActingForView? ActingFor);

    public static RouteGroupBuilder MapMe(this RouteGroupBuilder group)
    {
        group.MapGet("/me", async Task<Results<Ok<MeView>, ProblemHttpResult>> (HttpContext http, NpgsqlDataSource db) =>
        {
            var caller = Caller.From(http.User);
            await using var connection = await db.OpenConnectionAsync();
            var account = await Account.ByIdAsync(connection, caller.UserId);
            // A valid token for an account that no longer exists (e.g. another environment's key).
            if (account is null) return Problems.NotFound("Your account");
            var acting = await Membership.FindAsync(connection, caller.UserId, caller.OrgId);
            var view = account.View();
            return TypedResults.Ok(new MeView(view.UserId, view.Email, view.Role, view.DisplayName, view.OrganisationId, view.OrganisationName,
                view.OrganisationKind, view.CreatedAt,
                acting is null ? null : new ActingForView(acting.OrganisationId, acting.OrganisationName, acting.OrganisationKind, acting.OrgRole)));
        }).RequireAuthorization().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }
}
