using System.Security.Claims;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Marketplace.Gateway.Organisations;

/// <summary>
/// A token acts for a membership with a role; once the member is removed or its role changes, a token issued before
/// stops working at the gateway (401 <c>auth.membership_changed</c>: sign in or switch again) instead of for the rest of
/// its 8 hours. A match is remembered for <see cref="CacheFor"/>, so a busy client costs one query per half minute; this
/// gateway forgets it at once when it changes the membership itself, another instance within that time. Tokens without
/// <c>org_role</c> (issued before members existed) are not checked: they expire as before. <c>/api/auth/</c> is not
/// checked either, so a removed member can still list its memberships and switch to another.
/// </summary>
public sealed class MembershipCheck(RequestDelegate next, NpgsqlDataSource db, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task InvokeAsync(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated == true
            && user.FindFirstValue(Caller.OrgRoleClaim) is { Length: > 0 } orgRole
            && Guid.TryParse(user.FindFirstValue(Caller.UserClaim), out var userId)
            && Guid.TryParse(user.FindFirstValue(Caller.OrgClaim), out var orgId)
            && !http.Request.Path.StartsWithSegments("/api/auth")
            && !await StillMemberAsync(userId, orgId, orgRole, http.RequestAborted))
        {
            await TypedResults.Problem(title: "Membership changed",
                detail: "Your role in the organisation changed or you left it: sign in or switch organisation again.",
                statusCode: StatusCodes.Status401Unauthorized,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "auth.membership_changed" }).ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    private async Task<bool> StillMemberAsync(Guid userId, Guid orgId, string orgRole, CancellationToken ct)
    {
        var key = Key(userId, orgId, orgRole);
        if (cache.TryGetValue(key, out _)) return true;
        await using var connection = await db.OpenConnectionAsync(ct);
        var member = await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = @userId AND organisation_id = @orgId AND org_role = @orgRole)
            """, new { userId, orgId, orgRole });
        if (member) cache.Set(key, true, CacheFor);
        return member;
    }

    /// <summary>Forgets what this gateway remembers of the member's tokens (its role changed, or it left).</summary>
    public static void Forget(IMemoryCache cache, Guid userId, Guid orgId)
    {
        foreach (var role in OrgRoles.All) cache.Remove(Key(userId, orgId, role));
    }

    private static string Key(Guid userId, Guid orgId, string orgRole) => $"membership:{userId}:{orgId}:{orgRole}";
}
