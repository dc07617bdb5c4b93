using System.Net;
using System.Threading.RateLimiting;
using Marketplace.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests per partition in each <see cref="Window"/>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}

/// <summary>
/// Requests that cost the platform (a password hash, a stored identity, money moved, an export written) or that an attacker
/// repeats (guessing, enumerating) are limited per client: a fixed window per partition, and the request past the limit is
/// answered 429 <c>request.rate_limited</c> with Retry-After (the end of the window) before the endpoint runs. Anonymous
/// endpoints are partitioned by the client's address, signed-in ones by the person or the organisation. Each limit is
/// configurable as <c>RateLimits:&lt;Policy&gt;:PermitLimit</c> and <c>:Window</c>.
/// <para>
/// The client's address is the connection's, or, only when the connection comes from a proxy listed in
/// <c>Http:KnownProxies</c>, the last address of its X-Forwarded-For. None is listed by default: a client cannot pick its
/// own partition by sending the header.
/// </para>
/// </summary>
public static class RateLimits
{
    /// <summary>POST /api/auth/register, per client address.</summary>
    public const string Registration = "Registration";
    /// <summary>POST /api/auth/token, per client address (the per-e-mail lockout comes on top).</summary>
    public const string SignIn = "SignIn";
    /// <summary>A worker's identity submission, per person.</summary>
    public const string IdentitySubmission = "IdentitySubmission";
    /// <summary>Deposit intents, per organisation.</summary>
    public const string Deposits = "Deposits";
    /// <summary>Export requests, per organisation.</summary>
    public const string Exports = "Exports";

    public const string Code = "request.rate_limited";

    private enum Partition { ClientAddress, Person, Organisation }

    private static readonly (string Policy, Partition By, int PermitLimit, TimeSpan Window)[] Defaults =
    [
        (Registration, Partition.ClientAddress, 20, TimeSpan.FromHours(1)),
        (SignIn, Partition.ClientAddress, 30, TimeSpan.FromMinutes(5)),
        (IdentitySubmission, Partition.Person, 5, TimeSpan.FromHours(1)),
        (Deposits, Partition.Organisation, 30, TimeSpan.FromHours(1)),
        (Exports, Partition.Organisation, 20, TimeSpan.FromHours(1)),
    ];

    /// <summary>The endpoint counts against <paramref name="policy"/>'s limit and documents its 429.</summary>
    public static RouteHandlerBuilder LimitedBy(this RouteHandlerBuilder endpoint, string policy) =>
        endpoint.RequireRateLimiting(policy).ProducesProblem(StatusCodes.Status429TooManyRequests);

    internal static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        foreach (var (policy, by, permitLimit, window) in Defaults)
        {
            services.AddOptions<RateLimit>(policy)
                .Configure(l => (l.PermitLimit, l.Window) = (permitLimit, window))
                .BindConfiguration($"RateLimits:{policy}")
                .Validate(l => l.PermitLimit > 0 && l.Window > TimeSpan.Zero, $"RateLimits:{policy} needs a PermitLimit above 0 and a positive Window")
                .ValidateOnStart();
            services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<RateLimit>>((o, limits) =>
            {
                var limit = limits.Get(policy);
                o.AddPolicy(policy, http => RateLimitPartition.GetFixedWindowLimiter($"{policy}:{PartitionOf(http, by)}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            });
        }
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.ForwardLimit = 1;
            // ASP.NET Core trusts loopback by default: here only what is configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in KnownProxies(configuration)) o.KnownProxies.Add(proxy);
        });
        return services;
    }

    /// <summary>Http:KnownProxies: the addresses whose X-Forwarded-For is believed (none by default).</summary>
    private static IPAddress[] KnownProxies(IConfiguration configuration) =>
        configuration.GetSection("Http:KnownProxies").Get<string[]>()?.Select(IPAddress.Parse).ToArray() ?? [];

    /// <summary>Reads the client's address from a known proxy's X-Forwarded-For (first in the pipeline); nothing without one.</summary>
    internal static WebApplication UseClientAddress(this WebApplication app)
    {
        if (KnownProxies(app.Configuration).Length > 0) app.UseForwardedHeaders();
        return app;
    }

    private static string PartitionOf(HttpContext http, Partition by)
    {
        if (by != Partition.ClientAddress && http.User.Identity?.IsAuthenticated == true)
        {
            var caller = Caller.From(http.User);
            return by == Partition.Person ? $"person:{caller.UserId}" : $"org:{caller.OrgId}";
        }
        return $"address:{http.Connection.RemoteIpAddress}";
    }
}
