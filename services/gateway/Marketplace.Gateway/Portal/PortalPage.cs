namespace Marketplace.Gateway.Portal;

/// <summary>The page at "/": the services, their API documents and health, and a sign-in form. The real portal comes later.</summary>
public static class PortalPage
{
    public static WebApplication MapPortal(this WebApplication app)
    {
        using var stream = typeof(PortalPage).Assembly.GetManifestResourceStream("Marketplace.Gateway.Portal.index.html")
            ?? throw new InvalidOperationException("Portal/index.html is not embedded");
        using var reader = new StreamReader(stream);
        var html = reader.ReadToEnd();
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
