using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Gateway.Routing;

/// <summary>Gateway:Bodies: the largest request body the gateway forwards.</summary>
public sealed class BodyLimitOptions
{
    /// <summary>Any request (30 MB, the services' own default limit).</summary>
    public long MaxBytes { get; set; } = 30L * 1024 * 1024;

    /// <summary>A dataset chunk or a media file sent to orders (64 MB, the largest chunk orders takes).</summary>
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>
/// The gateway refuses an oversized body itself, with 413 and a ProblemDetails, before forwarding a byte: a service that
/// refused it mid-stream would leave the gateway with a broken upstream connection, a 502.
/// </summary>
public sealed class BodyLimit(Microsoft.Extensions.Options.IOptions<BodyLimitOptions> options) : IBodyLimit
{
    public long? MaxBytes(HttpRequest request) => IsUpload(request) ? options.Value.MaxUploadBytes : options.Value.MaxBytes;

    /// <summary>PUT /api/orders/orders/{id}/uploads/{id} and PUT /api/orders/orders/{id}/files/{name}.</summary>
    private static bool IsUpload(HttpRequest request)
    {
        if (!HttpMethods.IsPut(request.Method)) return false;
        var parts = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 6 && parts[0] == "api" && parts[1] == "orders" && parts[2] == "orders" && parts[4] is "uploads" or "files";
    }
}
