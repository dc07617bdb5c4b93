using System.Security.Claims;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>Who is calling, read from the validated token: every row a caller reaches is scoped by these.</summary>
public sealed record Caller(Guid UserId, Guid OrgId, string Role, string Name)
{
    public const string UserClaim = "sub";
    public const string OrgClaim = "org";
    public const string RoleClaim = "role";
    public const string NameClaim = "name";

    public bool IsOperator => Role == Roles.Operator;

    public static Caller From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(UserClaim)!),
        Guid.Parse(user.FindFirstValue(OrgClaim)!),
        user.FindFirstValue(RoleClaim)!,
        user.FindFirstValue(NameClaim) ?? "");
}
