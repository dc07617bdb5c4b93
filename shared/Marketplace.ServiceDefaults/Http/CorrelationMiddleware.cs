using Marketplace.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>Takes the caller's X-Correlation-Id (or makes one), echoes it, and puts it in every log line and outgoing message.</summary>
internal sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var id = Guid.TryParse(context.Request.Headers[Correlation.Header], out var given) ? given : Guid.CreateVersion7();
        Correlation.Current = id;
        // Forwarded requests (the gateway's proxy) carry the id on; the answer carries it once, even when a proxied
        // service already added its own copy.
        context.Request.Headers[Correlation.Header] = id.ToString();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Correlation.Header] = id.ToString();
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next(context);
            if (!context.Request.Path.StartsWithSegments("/health"))
            {
                logger.LogInformation("HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms", context.Request.Method,
                    context.Request.Path.Value, context.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
