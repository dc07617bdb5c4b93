using Dapper;
using FluentValidation;
using Marketplace.Gateway.Features;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Gateway.Organisations;

/// <summary>How many invitations an organisation may send and how long they stay open (Gateway:Invitations).</summary>
public sealed class InvitationOptions
{
    /// <summary>Invitations one organisation may create in any hour: enough for onboarding a team, too few to spam.</summary>
    public int PerHour { get; set; } = 20;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// An owner invites a colleague by the e-mail they sign in with (or will register with), with a role. The answer is the
/// same whether the address has an account or not, so invitations cannot be used to find out who has one. Ids of
/// another organisation's invitations answer 404.
/// </summary>
public static class Invitations
{
    public sealed record Request(string Email, string OrgRole);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).AnEmailAddress();
            RuleFor(r => r.OrgRole).Cascade(CascadeMode.Stop).NotEmpty().Must(r => OrgRoles.All.Contains(r))
                .WithMessage("'Org Role' must be owner, reviewer or finance.").WithErrorCode("validation.not_allowed");
        }
    }

    public sealed record InvitationView(Guid Id, Guid OrganisationId, string Email, string OrgRole, string Status, Guid InvitedBy,
        DateTime CreatedAt, DateTime ExpiresAt, DateTime? DecidedAt);

    internal const string Columns = """
        i.id, i.organisation_id, i.email, i.org_role,
        CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END AS status,
        i.invited_by, i.created_at, i.expires_at, i.decided_at
        """;

    public static readonly IReadOnlyList<string> Statuses = ["pending", "accepted", "declined", "revoked", "expired"];

    public static RouteGroupBuilder MapInvitations(this RouteGroupBuilder group)
    {
        group.MapPost("/invitations", Invite).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor))
            .RequireOrgRole(OrgPermission.ManageMembers).Validate<Request>()
            .Produces<InvitationView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/invitations", List).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor))
            .RequireOrgRole(OrgPermission.ManageMembers).Produces<PageOf<InvitationView>>();
        group.MapDelete("/invitations/{id:guid}", Revoke).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor))
            .RequireOrgRole(OrgPermission.ManageMembers).Produces<InvitationView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Invite(Request request, HttpContext http, NpgsqlDataSource db, IOptions<InvitationOptions> options)
    {
        var caller = Caller.From(http.User);
        var email = Account.NormaliseEmail(request.Email);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // The organisation's row lock serialises its invitations, so the hourly limit holds however many arrive at once.
        var kind = await connection.ExecuteScalarAsync<string?>("SELECT kind FROM organisations WHERE id = @OrgId FOR UPDATE", new { caller.OrgId }, tx);
        if (kind is null || !OrganisationKinds.HasMembers(kind))
            return Problems.NotFound($"Organisation {caller.OrgId}");
        var lastHour = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM invitations WHERE organisation_id = @OrgId AND created_at > now() - interval '1 hour'
            """, new { caller.OrgId }, tx);
        if (lastHour >= options.Value.PerHour)
        {
            http.Response.Headers.RetryAfter = "3600";
            return TypedResults.Problem(title: "Too many invitations",
                detail: $"An organisation may send {options.Value.PerHour} invitations an hour; try again later.",
                statusCode: StatusCodes.Status429TooManyRequests,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "invitation.rate_limited", ["perHour"] = options.Value.PerHour });
        }
        // The owner may see who is in its own organisation anyway (its members list), so saying so reveals nothing.
        var member = await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = @OrgId AND u.email = @email)
            """, new { caller.OrgId, email }, tx);
        if (member) return Problems.Conflict($"{email} is already a member of the organisation.", code: "invitation.already_member");
        await connection.ExecuteAsync("""
            UPDATE invitations SET status = 'expired', decided_at = expires_at
            WHERE organisation_id = @OrgId AND email = @email AND status = 'pending' AND expires_at <= now()
            """, new { caller.OrgId, email }, tx);
        var id = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO invitations (id, organisation_id, email, org_role, invited_by, expires_at)
            VALUES (@id, @OrgId, @email, @OrgRole, @UserId, now() + @lifetime)
            ON CONFLICT (organisation_id, email) WHERE status = 'pending' DO NOTHING
            """, new { id, caller.OrgId, email, request.OrgRole, caller.UserId, lifetime = options.Value.Lifetime }, tx);
        if (inserted == 0)
            return Problems.Conflict($"{email} has a pending invitation already; revoke it to invite with another role.", "pending",
                code: "invitation.pending");
        var view = await FindAsync(connection, caller.OrgId, id, tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/api/organisation/invitations/{id}", view);
    }

    private static async Task<IResult> List(string? status, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (status is not null && !Statuses.Contains(status))
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", Statuses)}.", "validation.not_allowed");
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        const string where = """
            WHERE i.organisation_id = @OrgId AND (@status::text IS NULL
                OR (@status = 'pending' AND i.status = 'pending' AND i.expires_at > now())
                OR (@status = 'expired' AND (i.status = 'expired' OR (i.status = 'pending' AND i.expires_at <= now())))
                OR (@status NOT IN ('pending', 'expired') AND i.status = @status))
            """;
        var args = new { caller.OrgId, status, size, offset = (number - 1) * size };
        var items = (await connection.QueryAsync<InvitationView>(
            $"SELECT {Columns} FROM invitations i {where} ORDER BY i.created_at DESC, i.id DESC LIMIT @size OFFSET @offset", args)).ToList();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM invitations i {where}", args);
        return TypedResults.Ok(new PageOf<InvitationView>(items, total, number, size));
    }

    /// <summary>The owner takes back a pending invitation; a decided one answers 409 with its status.</summary>
    private static async Task<IResult> Revoke(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var revoked = await connection.ExecuteAsync("""
            UPDATE invitations SET status = 'revoked', decided_at = now()
            WHERE id = @id AND organisation_id = @OrgId AND status = 'pending' AND expires_at > now()
            """, new { id, caller.OrgId });
        var view = await FindAsync(connection, caller.OrgId, id);
        if (view is null) return Problems.NotFound($"Invitation {id}");
        return revoked == 1 ? TypedResults.Ok(view) : Problems.Conflict($"The invitation is {view.Status}.", view.Status);
    }

    private static Task<InvitationView?> FindAsync(NpgsqlConnection connection, Guid organisationId, Guid id, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<InvitationView>(
            $"SELECT {Columns} FROM invitations i WHERE i.id = @id AND i.organisation_id = @organisationId", new { id, organisationId }, tx);
}
