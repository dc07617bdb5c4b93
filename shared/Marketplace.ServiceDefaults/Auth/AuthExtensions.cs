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
        // A service without a usable signing key does not start (checked when the host starts, not at first request).
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Validate(a => { try { return a.KeyBytes().Length >= 32; } catch (Exception) { return false; } },
                "Auth:SigningKey must be set to a base64 key of at least 32 bytes")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) =>
            {
                var key = auth.Value.KeyBytes();
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = AuthOptions.Issuer,
                    ValidAudience = AuthOptions.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(key),
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
            .AddPolicy("worker-or-operator", p => p.RequireRole(Roles.Worker, Roles.Operator));
        return builder;
    }
}
