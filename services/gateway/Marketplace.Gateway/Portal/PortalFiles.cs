using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace Marketplace.Gateway.Portal;

/// <summary>
/// The portal: the Vite build of services/gateway/portal (Vue 3 + Element Plus), embedded in this assembly by the
/// project's build, served at "/" (index.html) and "/portal/..." (hashed assets). Files are read once at start; each
/// answer carries a content hash as its ETag so a browser revalidates cheaply and never runs a stale module after a
/// deploy. Text files are compressed once at start (Brotli and gzip) and sent compressed to browsers that accept it.
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
        [".woff2"] = "font/woff2",
        [".json"] = "application/json",
    };

    private static readonly HashSet<string> Compressible = new(StringComparer.OrdinalIgnoreCase) { ".html", ".js", ".css", ".svg", ".json" };

    private sealed record PortalFile(byte[] Bytes, byte[]? Brotli, byte[]? Gzip, string MediaType, string ETag);

    public static WebApplication MapPortal(this WebApplication app)
    {
        var files = Load(typeof(PortalFiles).Assembly);
        if (!files.ContainsKey("index.html")) throw new InvalidOperationException("Portal/dist/index.html is not embedded: the portal was not built");

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
            var extension = Path.GetExtension(path);
            var mediaType = MediaTypes.GetValueOrDefault(extension, "application/octet-stream");
            var compress = Compressible.Contains(extension) && bytes.Length > 1024;
            files[path] = new PortalFile(bytes,
                compress ? Compress(bytes, s => new BrotliStream(s, CompressionLevel.Optimal)) : null,
                compress ? Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)) : null,
                mediaType, $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\"");
        }
        return files;
    }

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> encoder)
    {
        using var output = new MemoryStream();
        using (var stream = encoder(output)) stream.Write(bytes);
        return output.ToArray();
    }

    private static IResult Serve(HttpContext http, PortalFile file)
    {
        var headers = http.Response.Headers;
        headers.ETag = file.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch == file.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        if (file.Brotli is null) return Results.Bytes(file.Bytes, file.MediaType);
        headers.Vary = "Accept-Encoding";
        var accepted = http.Request.Headers.AcceptEncoding.ToString();
        if (accepted.Contains("br", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "br";
            return Results.Bytes(file.Brotli, file.MediaType);
        }
        if (accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase) && file.Gzip is not null)
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(file.Gzip, file.MediaType);
        }
        return Results.Bytes(file.Bytes, file.MediaType);
    }
}
