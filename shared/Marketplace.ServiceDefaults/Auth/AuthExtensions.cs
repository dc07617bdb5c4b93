using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.ServiceDefaults.Auth;

public static class AuthExtensions
{
    public static WebApplicationBuilder AddMarketplaceAuth(this WebApplicationBuilder builder)
    {
        // A service without a usable public key does not start (checked when the host starts, not at first request).
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Validate(a => { try { return a.SigningKeys().Count > 0; } catch (InvalidOperationException) { return false; } },
                "Auth:PublicKeys must list at least one P-256 public key (Id, Key: base64 SubjectPublicKeyInfo)")
            .ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) =>
            {
                var keys = auth.Value.SigningKeys();
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = AuthOptions.Issuer,
                    ValidAudience = AuthOptions.Audience,
                    IssuerSigningKeys = keys,
                    // Only the gateway's algorithm: a token signed with a shared secret (HS256) or unsigned is refused
                    // whatever key it names.
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    RequireSignedTokens = true,
                    NameClaimType = Caller.NameClaim,
                    RoleClaimType = Caller.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                // A browser cannot put a bearer header on the pages of the Hangfire dashboard: the portal hands the
                // operator's token to the gateway, which sets it as an HttpOnly, SameSite=Strict cookie for /api/ that
                // only the dashboard's paths read. The token is checked exactly like a header's.
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (context.Token is null && context.Request.Path.StartsWithSegments("/hangfire")
                            && context.Request.Cookies.TryGetValue(OperatorCookie.Name, out var token))
                            context.Token = token;
                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorizationBuilder()
            // Every endpoint requires a signed-in caller unless it opts out (health, OpenAPI, sign-in).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.Enterprise, p => p.RequireRole(Roles.Enterprise))
            .AddPolicy(Roles.Vendor, p => p.RequireRole(Roles.Vendor))
            .AddPolicy(Roles.Worker, p => p.RequireRole(Roles.Worker))
            .AddPolicy(Roles.Operator, p => p.RequireRole(Roles.Operator))
            .AddPolicy("enterprise-or-operator", p => p.RequireRole(Roles.Enterprise, Roles.Operator))
            .AddPolicy("worker-or-operator", p => p.RequireRole(Roles.Worker, Roles.Operator))
            .AddPolicy("enterprise-or-vendor", p => p.RequireRole(Roles.Enterprise, Roles.Vendor));
        return builder;
    }

    /// <summary>
    /// The gateway's: it signs user tokens with its private key (Auth:Signing), whose public half must be one of the
    /// keys every service checks against, or the gateway does not start.
    /// </summary>
    public static WebApplicationBuilder AddTokenIssuer(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TokenSigningOptions>().BindConfiguration("Auth:Signing")
            .Validate<IOptions<AuthOptions>>((signing, auth) =>
            {
                try
                {
                    var mine = signing.PublicKeyBase64();
                    return auth.Value.PublicKeys.Any(k => k.Id == signing.KeyId && k.Key == mine);
                }
                catch (InvalidOperationException) { return false; }
            }, "Auth:Signing must hold a P-256 private key (PKCS#8, base64) whose public key is listed under the same id in Auth:PublicKeys")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenIssuer>();
        return builder;
    }
}
