using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Marketplace.ServiceDefaults.Http;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>
/// <c>.RequireOrgRole(OrgPermission.MoveMoney)</c> on an endpoint: after the role check (RequireAuthorization), the
/// caller's organisation role must allow the permission (<see cref="OrgPolicy"/>), else 403 with the code
/// <c>org_role.&lt;permission&gt;</c>, the caller's <c>orgRole</c> and the <c>requiredOrgRoles</c>. Put it right after
/// RequireAuthorization, before Validate and WithIdempotencyKey, so a refused caller learns nothing about its body and
/// stores no idempotent answer.
/// </summary>
public static class OrgRoleFilter
{
    public static RouteHandlerBuilder RequireOrgRole(this RouteHandlerBuilder builder, OrgPermission permission) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.User;
            if (user.Identity?.IsAuthenticated == true)
            {
                var orgRole = Caller.OrgRoleOf(user);
                if (!OrgPolicy.Allows(orgRole, permission))
                {
                    var roles = OrgPolicy.RolesFor(permission);
                    return TypedResults.Problem(title: "Forbidden for your role in the organisation",
                        detail: $"Your role in the organisation is {orgRole}; this needs {string.Join(" or ", roles)}.",
                        statusCode: StatusCodes.Status403Forbidden,
                        extensions: new Dictionary<string, object?>
                        {
                            [ProblemCodes.Extension] = OrgPolicy.ProblemCode(permission),
                            ["orgRole"] = orgRole,
                            ["requiredOrgRoles"] = roles,
                        });
                }
            }
            return await next(context);
        }).WithMetadata(new RequiresOrgRole(permission)).ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>Endpoint metadata: which permission the endpoint's org-role filter demands (for documents and tests).</summary>
public sealed record RequiresOrgRole(OrgPermission Permission);
