using Dapper;
using Marketplace.Gateway.Features;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Organisations;

/// <summary>
/// The invitations addressed to the caller's e-mail: pending ones to accept (joining the organisation with the role
/// offered) or decline. An invitation for anyone else's address answers 404, as one that does not exist. Operators join
/// no organisation but the operators': none is ever theirs.
/// </summary>
public static class MyInvitations
{
    public sealed record ReceivedView(Guid Id, Guid OrganisationId, string OrganisationName, string OrganisationKind, string OrgRole,
        string InvitedByName, string Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? DecidedAt);

    private const string Select = """
        SELECT i.id, i.organisation_id, o.name AS organisation_name, o.kind AS organisation_kind, i.org_role,
               u.display_name AS invited_by_name,
               CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END AS status,
               i.created_at, i.expires_at, i.decided_at
        FROM invitations i JOIN organisations o ON o.id = i.organisation_id JOIN users u ON u.id = i.invited_by
        """;

    public static RouteGroupBuilder MapMyInvitations(this RouteGroupBuilder group)
    {
        group.MapGet("/invitations", Pending).RequireAuthorization().Produces<PageOf<ReceivedView>>();
        group.MapPost("/invitations/{id:guid}/accept", Accept).RequireAuthorization()
            .Produces<ActingFor.MembershipView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/invitations/{id:guid}/decline", Decline).RequireAuthorization()
            .Produces<ReceivedView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Pending(int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var email = await EmailAsync(connection, caller);
        const string where = "WHERE i.email = @email AND i.status = 'pending' AND i.expires_at > now()";
        var args = new { email, size, offset = (number - 1) * size };
        var items = (await connection.QueryAsync<ReceivedView>($"{Select} {where} ORDER BY i.created_at DESC, i.id DESC LIMIT @size OFFSET @offset", args)).ToList();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM invitations i {where}", args);
        return TypedResults.Ok(new PageOf<ReceivedView>(items, total, number, size));
    }

    /// <summary>Joins the organisation with the role offered (a member already keeps the role it has).</summary>
    private static async Task<IResult> Accept(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (await LockAsync(connection, tx, caller, id) is not { } invitation) return Problems.NotFound($"Invitation {id}");
        if (invitation.Status != "pending") return Problems.Conflict($"The invitation is {invitation.Status}.", invitation.Status);
        await connection.ExecuteAsync("UPDATE invitations SET status = 'accepted', decided_at = now() WHERE id = @id", new { id }, tx);
        await connection.ExecuteAsync("""
            INSERT INTO memberships (organisation_id, user_id, org_role) VALUES (@OrganisationId, @UserId, @OrgRole)
            ON CONFLICT (organisation_id, user_id) DO NOTHING
            """, new { invitation.OrganisationId, caller.UserId, invitation.OrgRole }, tx);
        var membership = (await Membership.FindAsync(connection, caller.UserId, invitation.OrganisationId))!;
        await tx.CommitAsync();
        return TypedResults.Ok(new ActingFor.MembershipView(membership.OrganisationId, membership.OrganisationName, membership.OrganisationKind,
            membership.OrgRole, membership.JoinedAt, membership.OrganisationId == caller.OrgId));
    }

    private static async Task<IResult> Decline(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (await LockAsync(connection, tx, caller, id) is not { } invitation) return Problems.NotFound($"Invitation {id}");
        if (invitation.Status != "pending") return Problems.Conflict($"The invitation is {invitation.Status}.", invitation.Status);
        await connection.ExecuteAsync("UPDATE invitations SET status = 'declined', decided_at = now() WHERE id = @id", new { id }, tx);
        var view = await connection.QuerySingleAsync<ReceivedView>($"{Select} WHERE i.id = @id", new { id }, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }

    /// <summary>The invitation, locked, when it is addressed to the caller's e-mail; null otherwise (and for operators).</summary>
    private static async Task<ReceivedView?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Caller caller, Guid id)
    {
        var email = await EmailAsync(connection, caller, tx);
        if (email is null) return null;
        await connection.ExecuteAsync("SELECT 1 FROM invitations WHERE id = @id AND email = @email FOR UPDATE", new { id, email }, tx);
        return await connection.QuerySingleOrDefaultAsync<ReceivedView>($"{Select} WHERE i.id = @id AND i.email = @email", new { id, email }, tx);
    }

    /// <summary>The caller's sign-in address; null for operators (they are invited nowhere) and unknown accounts.</summary>
    private static Task<string?> EmailAsync(NpgsqlConnection connection, Caller caller, NpgsqlTransaction? tx = null) =>
        connection.ExecuteScalarAsync<string?>("SELECT email FROM users WHERE id = @UserId AND role <> 'operator'", new { caller.UserId }, tx);
}
