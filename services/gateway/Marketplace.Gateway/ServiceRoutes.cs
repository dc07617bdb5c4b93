using Yarp.ReverseProxy.Configuration;

namespace Marketplace.Gateway;

/// <summary>
/// /api/&lt;service&gt;/... goes to that service with the prefix removed. Config Gateway:Services:&lt;service&gt; lists one or more
/// base URLs (comma-separated) balanced round-robin. The gateway lets these requests through; each service checks the token.
/// </summary>
public static class ServiceRoutes
{
    public static readonly IReadOnlyDictionary<string, int> DefaultPorts = new Dictionary<string, int>
    {
        ["orders"] = 5081, ["bidding"] = 5082, ["tasks"] = 5083, ["payouts"] = 5084, ["settlement"] = 5085,
    };

    public static WebApplicationBuilder AddServiceRoutes(this WebApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (service, port) in DefaultPorts)
        {
            var urls = (builder.Configuration[$"Gateway:Services:{service}"] ?? $"http://127.0.0.1:{port}")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            routes.Add(new RouteConfig
            {
                RouteId = service,
                ClusterId = service,
                AuthorizationPolicy = "anonymous",
                Match = new RouteMatch { Path = $"/api/{service}/{{**rest}}" },
                Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = $"/api/{service}" }],
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                LoadBalancingPolicy = "RoundRobin",
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
                Destinations = urls.Select((url, i) => (url, i))
                    .ToDictionary(d => $"{service}-{d.i}", d => new DestinationConfig { Address = d.url }),
            });
        }
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    public static WebApplication MapServiceRoutes(this WebApplication app)
    {
        app.MapReverseProxy();
        return app;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        using var stream = typeof(ServiceRoutes).Assembly.GetManifestResourceStream("Marketplace.Gateway.Portal.index.html")!;
        var html = new StreamReader(stream).ReadToEnd();
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
