using Marketplace.Gateway.Routing;
using Marketplace.ServiceDefaults.Http;
using Scalar.AspNetCore;

namespace Marketplace.Gateway.Portal;

/// <summary>
/// GET /api/reference: one API reference (Scalar) over the gateway's own OpenAPI document and each service's, read through
/// the gateway's routes (/api/&lt;service&gt;/openapi/v1.json), so every "try it" request goes where a user's would.
/// Nothing is fetched from the internet: Scalar.AspNetCore serves its script from the package (/api/reference/scalar.js),
/// the default fonts (a CDN) are off, and so are telemetry, the AI agent, MCP and the developer toolbar, which would talk
/// to Scalar's servers.
/// </summary>
public static class ApiReference
{
    public const string Path = "/api/reference";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference(Path, options =>
        {
            options.WithTitle("Marketplace API reference")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools() // its Share, Generate SDK and Deploy buttons lead to Scalar's servers
                .AddPreferredSecuritySchemes(OpenApiDocuments.BearerScheme)
                .AddDocument("gateway", "Gateway: accounts, portal", "/openapi/v1.json", isDefault: true);
            foreach (var service in ServiceRoutes.DefaultPorts.Keys)
                options.AddDocument(service, char.ToUpperInvariant(service[0]) + service[1..], $"/api/{service}/openapi/v1.json");
        }).AllowAnonymous();
        return app;
    }
}
