using Marketplace.ServiceDefaults.Auth;

namespace Marketplace.Gateway.Features;

/// <summary>
/// Opens the services' jobs dashboards (/api/&lt;service&gt;/hangfire) in a browser tab, which cannot send the bearer token
/// the portal holds: the operator's own token is set as an HttpOnly, SameSite=Strict cookie for /api/ until the token
/// expires. The services read it only on the dashboard's paths and check it exactly like a bearer header.
/// </summary>
public static class DashboardSession
{
    public static RouteGroupBuilder MapDashboardSession(this RouteGroupBuilder group)
    {
        group.MapPost("/dashboard-session", (HttpContext http) =>
        {
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return Results.Problem(title: "Bearer token required", detail: "Send the operator's token as Authorization: Bearer.",
                    statusCode: StatusCodes.Status400BadRequest);
            var expires = long.TryParse(http.User.FindFirst("exp")?.Value, out var exp)
                ? DateTimeOffset.FromUnixTimeSeconds(exp) : DateTimeOffset.UtcNow.AddHours(1);
            http.Response.Cookies.Append(OperatorCookie.Name, header["Bearer ".Length..].Trim(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = "/api/",
                Expires = expires,
            });
            return Results.NoContent();
        }).RequireAuthorization(Roles.Operator).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapDelete("/dashboard-session", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(OperatorCookie.Name, new CookieOptions { Path = "/api/" });
            return Results.NoContent();
        }).RequireAuthorization().Produces(StatusCodes.Status204NoContent);
        return group;
    }
}
