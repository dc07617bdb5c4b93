using System.Reflection;
using System.Security.Cryptography;

namespace Marketplace.Gateway.Portal;

/// <summary>
/// The portal: static HTML, CSS and ES modules embedded in this assembly (no build step), served at "/" and
/// "/portal/...". Files are read once at start; each answer carries a content hash as its ETag so a browser revalidates
/// cheaply and never runs a stale module after a deploy.
/// </summary>
public static class PortalFiles
{
    private const string Prefix = "portal/";

    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    };

    private sealed record PortalFile(byte[] Bytes, string MediaType, string ETag);

    public static WebApplication MapPortal(this WebApplication app)
    {
        var files = Load(typeof(PortalFiles).Assembly);
        if (!files.ContainsKey("index.html")) throw new InvalidOperationException("Portal/app/index.html is not embedded");

        app.MapGet("/", (HttpContext http) => Serve(http, files["index.html"])).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/portal/{**path}", (string path, HttpContext http) =>
                files.TryGetValue(path, out var file) ? Serve(http, file) : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static Dictionary<string, PortalFile> Load(Assembly assembly)
    {
        var files = new Dictionary<string, PortalFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            var mediaType = MediaTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            files[path] = new PortalFile(bytes, mediaType, $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\"");
        }
        return files;
    }

    private static IResult Serve(HttpContext http, PortalFile file)
    {
        var headers = http.Response.Headers;
        headers.ETag = file.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch == file.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(file.Bytes, file.MediaType);
    }
}
