using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Marketplace.Gateway.Organisations;

/// <summary>
/// An owner's view of the organisation's people: list them, change a member's role, remove a member. The organisation
/// always keeps an owner: the last one can be neither demoted nor removed (409 <c>organisation.last_owner</c>). A user id
/// that is not a member of the caller's organisation answers 404.
/// </summary>
public static class Members
{
    public sealed record MemberView(Guid UserId, string Email, string DisplayName, string OrgRole, DateTime JoinedAt);

    public sealed record RoleChange(string OrgRole);

    public sealed class RoleChangeValidator : AbstractValidator<RoleChange>
    {
        public RoleChangeValidator() =>
            RuleFor(r => r.OrgRole).Cascade(CascadeMode.Stop).NotEmpty().Must(r => OrgRoles.All.Contains(r))
                .WithMessage("'Org Role' must be owner, reviewer or finance.").WithErrorCode("validation.not_allowed");
    }

    private const string Select = """
        SELECT m.user_id, u.email, u.display_name, m.org_role, m.joined_at
        FROM memberships m JOIN users u ON u.id = m.user_id
        """;

    public static RouteGroupBuilder MapMembers(this RouteGroupBuilder group)
    {
        group.MapGet("/members", List).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor))
            .RequireOrgRole(OrgPermission.ManageMembers).Produces<PageOf<MemberView>>();
        group.MapPut("/members/{userId:guid}", Change).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor))
            .RequireOrgRole(OrgPermission.ManageMembers).Validate<RoleChange>().Produces<MemberView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/members/{userId:guid}", Remove).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor))
            .RequireOrgRole(OrgPermission.ManageMembers).Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> List(int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var items = (await connection.QueryAsync<MemberView>($"""
            {Select} WHERE m.organisation_id = @OrgId ORDER BY m.joined_at, m.user_id LIMIT @size OFFSET @offset
            """, new { caller.OrgId, size, offset = (number - 1) * size })).ToList();
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM memberships WHERE organisation_id = @OrgId", new { caller.OrgId });
        return TypedResults.Ok(new PageOf<MemberView>(items, total, number, size));
    }

    private static async Task<IResult> Change(Guid userId, RoleChange request, HttpContext http, NpgsqlDataSource db, IMemoryCache cache)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (await LockAsync(connection, tx, caller.OrgId, userId) is not { } member) return Problems.NotFound($"Member {userId}");
        if (member.OrgRole == OrgRoles.Owner && request.OrgRole != OrgRoles.Owner && member.Owners == 1) return LastOwner();
        await connection.ExecuteAsync("UPDATE memberships SET org_role = @OrgRole WHERE organisation_id = @OrgId AND user_id = @userId",
            new { request.OrgRole, caller.OrgId, userId }, tx);
        var view = await connection.QuerySingleAsync<MemberView>($"{Select} WHERE m.organisation_id = @OrgId AND m.user_id = @userId",
            new { caller.OrgId, userId }, tx);
        await tx.CommitAsync();
        MembershipCheck.Forget(cache, userId, caller.OrgId);
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> Remove(Guid userId, HttpContext http, NpgsqlDataSource db, IMemoryCache cache)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (await LockAsync(connection, tx, caller.OrgId, userId) is not { } member) return Problems.NotFound($"Member {userId}");
        if (member.OrgRole == OrgRoles.Owner && member.Owners == 1) return LastOwner();
        await connection.ExecuteAsync("DELETE FROM memberships WHERE organisation_id = @OrgId AND user_id = @userId", new { caller.OrgId, userId }, tx);
        await tx.CommitAsync();
        MembershipCheck.Forget(cache, userId, caller.OrgId);
        return TypedResults.NoContent();
    }

    private sealed record LockedMember(string OrgRole, int Owners);

    /// <summary>
    /// Locks the organisation's row (two owners demoting or removing each other at once must not both succeed: the second
    /// waits and counts again) and reads the member's role and how many owners there are; null when not a member.
    /// </summary>
    private static async Task<LockedMember?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid orgId, Guid userId)
    {
        await connection.ExecuteAsync("SELECT 1 FROM organisations WHERE id = @orgId FOR UPDATE", new { orgId }, tx);
        return await connection.QuerySingleOrDefaultAsync<LockedMember>("""
            SELECT m.org_role,
                   (SELECT count(*)::int FROM memberships o WHERE o.organisation_id = @orgId AND o.org_role = 'owner') AS owners
            FROM memberships m WHERE m.organisation_id = @orgId AND m.user_id = @userId
            """, new { orgId, userId }, tx);
    }

    private static ProblemHttpResult LastOwner() =>
        Problems.Conflict("An organisation keeps at least one owner: make another member owner first.", "last_owner", code: "organisation.last_owner");
}
