namespace Marketplace.Gateway.Portal;

/// <summary>
/// Headers every gateway answer carries: no framing (X-Frame-Options and CSP frame-ancestors), no MIME sniffing, no
/// Referer (content links carry their signature in the query). The portal's pages and assets also get a strict
/// Content-Security-Policy: scripts, styles, images, fonts and API calls from this origin only, no inline or eval'd
/// script, no plugins. Inline style attributes stay allowed ('unsafe-inline' for styles only): Element Plus and
/// ECharts position popups and tooltips with them, and a style cannot run code.
/// </summary>
public static class SecurityHeaders
{
    public const string PortalPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>Everything else the gateway answers (JSON, files): nothing may run or be framed.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                var path = context.Request.Path;
                if (path == "/" || path.StartsWithSegments("/portal")) headers.ContentSecurityPolicy = PortalPolicy;
                else if (!headers.ContainsKey("Content-Security-Policy") && IsData(context.Response.ContentType))
                    headers.ContentSecurityPolicy = ApiPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    // Pages the gateway relays (the API reference, the jobs dashboards) keep their own rules; data gets the strictest.
    private static bool IsData(string? contentType) => contentType is null
        || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase);
}
