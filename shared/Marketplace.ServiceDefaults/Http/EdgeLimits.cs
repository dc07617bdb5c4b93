using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// The answers the server gives on its own (a URI or headers too long, a Content-Type no endpoint takes, a method the
/// route does not have) carry a ProblemDetails like every other 4xx. Kestrel writes its own limit answers with an empty
/// body, so its limits are set above ours and these limits are enforced here instead, with a body: a request target of
/// at most <see cref="MaxTargetChars"/> characters (414) and headers of at most <see cref="MaxHeaderBytes"/> bytes (431).
/// Routing's own 405 and 415 answers come before authentication, so an anonymous caller hears 415, not 401.
/// </summary>
public static class EdgeLimits
{
    public const int MaxTargetChars = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;

    // Routing's endpoints for a request no endpoint takes (Microsoft.AspNetCore.Routing.Matching: HttpMethodMatcherPolicy, AcceptsMatcherPolicy).
    private const string MethodRejection = "405 HTTP Method Not Supported";
    private const string MediaTypeRejection = "415 HTTP Unsupported Media Type";

    internal static IWebHostBuilder RaiseKestrelLimits(this IWebHostBuilder host) =>
        host.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestLineSize = Math.Max(o.Limits.MaxRequestLineSize, 4 * MaxTargetChars);
            o.Limits.MaxRequestHeadersTotalSize = Math.Max(o.Limits.MaxRequestHeadersTotalSize, 4 * MaxHeaderBytes);
        });

    /// <summary>Before authentication: these answers need no caller.</summary>
    internal static WebApplication UseEdgeLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var target = request.Path.Value?.Length + request.QueryString.Value?.Length ?? 0;
            if (target > MaxTargetChars)
            {
                await RefuseAsync(context, StatusCodes.Status414UriTooLong, "URI too long",
                    $"The request's path and query hold {target} characters; at most {MaxTargetChars} are read.", "request.uri_too_long");
                return;
            }
            var headers = 0L;
            foreach (var (name, values) in request.Headers)
                foreach (var value in values)
                    headers += name.Length + (value?.Length ?? 0) + 4;
            if (headers > MaxHeaderBytes)
            {
                await RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Headers too large",
                    $"The request's headers hold about {headers} bytes; at most {MaxHeaderBytes} are read.", "request.headers_too_large");
                return;
            }
            // A body larger than the host takes (the gateway's BodyLimit) is refused before a byte of it is read or forwarded.
            if (context.RequestServices.GetService<IBodyLimit>()?.MaxBytes(request) is { } max)
            {
                if (request.ContentLength > max)
                {
                    await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "Request too large",
                        $"The request's body is {request.ContentLength} bytes; at most {max} are taken here.", "request.too_large");
                    return;
                }
                if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                    limit.MaxRequestBodySize = max;
            }
            // Routing's own answer (with its Allow header), run here so authorization does not turn it into a 401;
            // UseStatusCodePages gives it its ProblemDetails.
            if (context.GetEndpoint() is { DisplayName: MediaTypeRejection or MethodRejection, RequestDelegate: { } rejection })
            {
                await rejection(context);
                return;
            }
            await next(context);
        });
        return app;
    }

    public static async Task RefuseAsync(HttpContext context, int status, string title, string detail, string code)
    {
        context.Response.StatusCode = status;
        var details = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { [ProblemCodes.Extension] = code } };
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details }))
            await context.Response.WriteAsJsonAsync(details, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}

/// <summary>The largest body a host takes for a request (the gateway, in front of the services), or null for the server's own limit.</summary>
public interface IBodyLimit
{
    long? MaxBytes(HttpRequest request);
}
