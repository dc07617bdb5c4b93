using System.Security.Claims;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>Who is calling, read from the validated token: every row a caller reaches is scoped by these.</summary>
/// <param name="OrgRole">the caller's role in that organisation (<see cref="OrgRoles"/>); a token without one is the owner's.</param>
public sealed record Caller(Guid UserId, Guid OrgId, string Role, string Name, string OrgRole = OrgRoles.Owner)
{
    public const string UserClaim = "sub";
    public const string OrgClaim = "org";
    public const string RoleClaim = "role";
    public const string NameClaim = "name";
    public const string OrgRoleClaim = "org_role";

    public bool IsOperator => Role == Roles.Operator;

    public static Caller From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(UserClaim)!),
        Guid.Parse(user.FindFirstValue(OrgClaim)!),
        user.FindFirstValue(RoleClaim)!,
        user.FindFirstValue(NameClaim) ?? "",
        OrgRoleOf(user));

    /// <summary>The token's organisation role; none (every token before members existed) is the owner's.</summary>
    public static string OrgRoleOf(ClaimsPrincipal user) => user.FindFirstValue(OrgRoleClaim) is { Length: > 0 } role ? role : OrgRoles.Owner;
}
