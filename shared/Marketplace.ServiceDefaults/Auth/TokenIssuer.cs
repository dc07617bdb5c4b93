using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>
/// Makes user tokens: ES256 with the gateway's private key and its key id, each with its own id (<c>jti</c>, so one
/// token can be revoked) and the account's token version (<c>tv</c>, so a password change revokes every earlier one).
/// Registered only by the gateway (<see cref="AuthExtensions.AddTokenIssuer"/>).
/// </summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, IOptions<TokenSigningOptions> signing, TimeProvider clock)
{
    public const string TokenIdClaim = "jti";
    public const string TokenVersionClaim = "tv";

    /// <summary>When the person last gave their password (epoch seconds): only on a step-up token (<c>POST /api/auth/reauth</c>).</summary>
    public const string AuthTimeClaim = "auth_time";

    private readonly Lazy<SigningCredentials> _credentials = new(() => new SigningCredentials(signing.Value.Key(), SecurityAlgorithms.EcdsaSha256));

    /// <param name="stepUpLifetime">a step-up token: it says the password was given now (<see cref="AuthTimeClaim"/>) and
    /// lives only this long.</param>
    public (string Token, DateTimeOffset ExpiresAt) Issue(Caller caller, int tokenVersion = 0, TimeSpan? stepUpLifetime = null)
    {
        var now = clock.GetUtcNow();
        var expires = now + (stepUpLifetime ?? options.Value.TokenLifetime);
        List<Claim> stepUp = stepUpLifetime is null ? [] :
            [new Claim(AuthTimeClaim, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)];
        var token = new JwtSecurityToken(
            AuthOptions.Issuer,
            AuthOptions.Audience,
            [
                .. stepUp,
                new Claim(Caller.UserClaim, caller.UserId.ToString()),
                new Claim(Caller.OrgClaim, caller.OrgId.ToString()),
                new Claim(Caller.RoleClaim, caller.Role),
                new Claim(Caller.NameClaim, caller.Name),
                new Claim(Caller.OrgRoleClaim, caller.OrgRole),
                new Claim(TokenIdClaim, Guid.NewGuid().ToString()),
                new Claim(TokenVersionClaim, tokenVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
            ],
            now.UtcDateTime,
            expires.UtcDateTime,
            _credentials.Value);
        return (new JwtSecurityTokenHandler().WriteToken(token), expires);
    }
}
