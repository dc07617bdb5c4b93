using System.Globalization;
using System.Security.Claims;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>
/// Actions a stolen token must not be enough for (changing where money goes) need the password again: the caller
/// presents a step-up token from <c>POST /api/auth/reauth</c>, whose <see cref="TokenIssuer.AuthTimeClaim"/> must be recent.
/// </summary>
public static class Reauthentication
{
    public const string Required = "auth.reauth_required";

    /// <returns>null when the caller gave the password within <paramref name="window"/>, else the 403 to answer.</returns>
    public static ProblemHttpResult? Check(ClaimsPrincipal user, TimeSpan window, DateTimeOffset now)
    {
        if (long.TryParse(user.FindFirstValue(TokenIssuer.AuthTimeClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && now - DateTimeOffset.FromUnixTimeSeconds(seconds) <= window
            && DateTimeOffset.FromUnixTimeSeconds(seconds) <= now + TimeSpan.FromSeconds(30))
            return null;
        return TypedResults.Problem(title: "Enter your password again",
            detail: "This change needs your password again: get a step-up token from POST /api/auth/reauth and send it with the change.",
            statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = Required });
    }
}
