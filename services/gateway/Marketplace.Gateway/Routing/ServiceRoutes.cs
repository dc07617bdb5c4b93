using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace Marketplace.Gateway.Routing;

/// <summary>
/// /api/&lt;service&gt;/... goes to that service with the prefix removed (/api/orders/orders/1 -> /orders/1). Config
/// Gateway:Services:&lt;service&gt; lists one or more base URLs, comma-separated, balanced round-robin. The gateway lets
/// these requests through anonymously: each service checks the token itself.
/// </summary>
public static class ServiceRoutes
{
    public static readonly IReadOnlyDictionary<string, int> DefaultPorts = new Dictionary<string, int>
    {
        ["orders"] = 5081, ["bidding"] = 5082, ["tasks"] = 5083, ["payouts"] = 5084, ["settlement"] = 5085,
    };

    /// <summary>
    /// The services' rate-limited endpoints, limited here too: a service's limit counts per instance (two instances let
    /// twice as much through), the gateway's in front of them all (RateLimits, partitioned by the person or organisation
    /// of the token the gateway has read).
    /// </summary>
    private static readonly (string Service, string Method, string Path, string Policy)[] Limited =
    [
        ("tasks", "POST", "/api/tasks/workers/me/identity", RateLimits.IdentitySubmission),
        ("tasks", "POST", "/api/tasks/orders/{orderId}/exports", RateLimits.Exports),
        ("settlement", "POST", "/api/settlement/wallet/deposits", RateLimits.Deposits),
    ];

    public static WebApplicationBuilder AddServiceRoutes(this WebApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (service, method, path, policy) in Limited)
        {
            routes.Add(new RouteConfig
            {
                RouteId = $"{service}-{policy}",
                ClusterId = service,
                AuthorizationPolicy = "anonymous",
                RateLimiterPolicy = policy,
                Order = -1,
                Match = new RouteMatch { Path = path, Methods = [method] },
                Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = $"/api/{service}" }],
            });
        }
        foreach (var (service, port) in DefaultPorts)
        {
            routes.Add(new RouteConfig
            {
                RouteId = service,
                ClusterId = service,
                // YARP's name for "no authorization here"; without it the fallback policy would demand a token at the gateway.
                AuthorizationPolicy = "anonymous",
                Match = new RouteMatch { Path = $"/api/{service}/{{**rest}}" },
                // The limit is BodyLimit's (set before anything reads the body): 30 MB, 64 MB for orders' uploads.
                Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = $"/api/{service}" }],
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
                HealthCheck = new HealthCheckConfig
                {
                    // An instance that keeps failing at the transport level rests for a while; when every instance is
                    // resting, try them all anyway rather than answer 503 for a service that may be back already.
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                        ReactivationPeriod = TimeSpan.FromSeconds(15),
                    },
                    AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                },
                Destinations = DestinationsOf(builder.Configuration, service, port),
            });
        }
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(o =>
        {
            // YARP rests an instance for at least this window, whatever ReactivationPeriod says.
            o.DetectionWindowSize = TimeSpan.FromSeconds(15);
            o.MinimalTotalCountThreshold = 5;
        });
        builder.Services.AddOptions<BodyLimitOptions>().BindConfiguration("Gateway:Bodies");
        builder.Services.AddSingleton<Marketplace.ServiceDefaults.Http.IBodyLimit, BodyLimit>();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms(transforms =>
            {
                // One correlation id for the whole request: the one the gateway took or made, not a second one per service.
                transforms.AddRequestTransform(t =>
                {
                    // A service's /metrics is for the scraper on its own port, not for the internet: answered here, not forwarded.
                    if (IsMetrics(t.Path))
                    {
                        t.HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
                        return ValueTask.CompletedTask;
                    }
                    t.ProxyRequest.Headers.Remove(Correlation.Header);
                    t.ProxyRequest.Headers.TryAddWithoutValidation(Correlation.Header, CorrelationOf(t.HttpContext));
                    return ValueTask.CompletedTask;
                });
                transforms.AddResponseTransform(t =>
                {
                    t.HttpContext.Response.Headers[Correlation.Header] = CorrelationOf(t.HttpContext);
                    return ValueTask.CompletedTask;
                });
            });
        return builder;
    }

    public static WebApplication MapServiceRoutes(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(Failover.RetryRefusedConnectionsAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }

    private static Dictionary<string, DestinationConfig> DestinationsOf(IConfiguration configuration, string service, int defaultPort)
    {
        var key = $"Gateway:Services:{service}";
        var urls = (configuration[key] is { Length: > 0 } configured ? configured : $"http://127.0.0.1:{defaultPort}")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
            throw new InvalidOperationException($"{key} lists no URL");
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"{key} holds '{url}', which is not an http(s) base URL");
        }
        return urls.Select((url, i) => (url, i))
            .ToDictionary(d => $"{service}-{d.i}", d => new DestinationConfig { Address = d.url });
    }

    private static string CorrelationOf(HttpContext context) =>
        Correlation.Current is { } id ? Correlation.Format(id) : context.Request.Headers[Correlation.Header].ToString();

    /// <summary>/metrics however written (//metrics, /Metrics/): what the service's routing would take as /metrics.</summary>
    private static bool IsMetrics(PathString path) =>
        string.Join('/', (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries)).Equals("metrics", StringComparison.OrdinalIgnoreCase);
}
