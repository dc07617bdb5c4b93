using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.ServiceDefaults.Auth;

public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    public (string Token, DateTimeOffset ExpiresAt) Issue(Caller caller)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var credentials = new SigningCredentials(new SymmetricSecurityKey(options.Value.KeyBytes()), SecurityAlgorithms.HmacSha256);
        var token = new JwtSecurityToken(
            AuthOptions.Issuer,
            AuthOptions.Audience,
            [
                new Claim(Caller.UserClaim, caller.UserId.ToString()),
                new Claim(Caller.OrgClaim, caller.OrgId.ToString()),
                new Claim(Caller.RoleClaim, caller.Role),
                new Claim(Caller.NameClaim, caller.Name),
                new Claim(Caller.OrgRoleClaim, caller.OrgRole),
            ],
            now.UtcDateTime,
            expires.UtcDateTime,
            credentials);
        return (new JwtSecurityTokenHandler().WriteToken(token), expires);
    }
}
