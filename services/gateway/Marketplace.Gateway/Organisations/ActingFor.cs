using FluentValidation;
using Marketplace.Gateway.Features;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Organisations;

/// <summary>
/// The organisations a person belongs to, and a token acting for another of them. Membership changes (a new role, a
/// removal) take effect with the next token: a token already issued keeps its claims until it expires (8 hours at most).
/// </summary>
public static class ActingFor
{
    public sealed record MembershipView(Guid OrganisationId, string OrganisationName, string OrganisationKind, string OrgRole,
        DateTime JoinedAt, bool Current);

    public sealed record SwitchRequest(Guid OrganisationId);

    public sealed class SwitchValidator : AbstractValidator<SwitchRequest>
    {
        public SwitchValidator() => RuleFor(r => r.OrganisationId).NotEmpty();
    }

    public static RouteGroupBuilder MapActingFor(this RouteGroupBuilder group)
    {
        group.MapGet("/memberships", Mine).RequireAuthorization().Produces<PageOf<MembershipView>>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/switch", Switch).RequireAuthorization().Validate<SwitchRequest>()
            .Produces<SignIn.Response>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Mine(int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var (items, total) = await Membership.ListAsync(connection, caller.UserId, number, size);
        return TypedResults.Ok(new PageOf<MembershipView>(
            items.Select(m => new MembershipView(m.OrganisationId, m.OrganisationName, m.OrganisationKind, m.OrgRole, m.JoinedAt,
                m.OrganisationId == caller.OrgId)).ToList(), total, number, size));
    }

    /// <summary>A new token for another of the caller's memberships (or the same one, with its current role).</summary>
    private static async Task<IResult> Switch(SwitchRequest request, HttpContext http, NpgsqlDataSource db, TokenIssuer tokens)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var account = await Account.ByIdAsync(connection, caller.UserId);
        var membership = account is null ? null : await Membership.FindAsync(connection, caller.UserId, request.OrganisationId);
        // Not a member (or no such organisation): the same answer, so ids of other organisations tell nothing.
        if (membership is null) return Problems.NotFound($"Membership {request.OrganisationId}");
        return TypedResults.Ok(SignIn.Issue(tokens, account!, membership));
    }
}
