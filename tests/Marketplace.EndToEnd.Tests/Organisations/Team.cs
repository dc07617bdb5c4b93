using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Organisations;

/// <summary>Colleagues in one organisation: an owner invites, the invitee (an account of its own) accepts and switches.</summary>
public static class Team
{
    public static async Task<Guid> InviteAsync(Actor owner, string email, string orgRole) =>
        (await Api.ReadAsync(await owner.PostAsync("/api/organisation/invitations", new { email, orgRole }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

    /// <summary>A new person (registered with an organisation of its own of <paramref name="kind"/>) who joins the owner's
    /// organisation as <paramref name="orgRole"/> and acts for it.</summary>
    public static async Task<Actor> MemberAsync(Actor owner, string orgRole, string? kind = null)
    {
        var person = await Api.SignUpAsync(kind ?? owner.Role);
        var invitation = await InviteAsync(owner, person.Email, orgRole);
        await Api.ReadAsync(await person.PostAsync($"/api/auth/invitations/{invitation}/accept"), HttpStatusCode.OK);
        return await SwitchAsync(person, owner.OrgId);
    }

    /// <summary>The same person with a token acting for another of its organisations.</summary>
    public static async Task<Actor> SwitchAsync(Actor person, Guid organisationId)
    {
        var token = await Api.ReadAsync(await person.PostAsync("/api/auth/switch", new { organisationId }), HttpStatusCode.OK);
        return WithToken(person, token);
    }

    public static Actor WithToken(Actor person, JsonElement token)
    {
        var http = Api.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return new Actor(http, token.GetProperty("userId").GetGuid(), token.GetProperty("organisationId").GetGuid(),
            token.GetProperty("role").GetString()!, person.Email);
    }

    public static async Task<string> CodeAsync(HttpResponseMessage response, HttpStatusCode expected) =>
        (await Api.ReadAsync(response, expected)).GetProperty("code").GetString()!;
}
