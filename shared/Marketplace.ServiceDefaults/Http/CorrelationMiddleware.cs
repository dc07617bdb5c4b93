using System.Diagnostics;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Echoes the request's correlation id, which is its trace id (taken from the caller's traceparent, else from a
/// caller's X-Correlation-Id, else new: see Telemetry/CorrelationPropagator), and puts it in every log line and
/// outgoing message.
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // ASP.NET Core starts the request's Activity before any middleware runs; without one (no listener), the id is the
        // caller's or a new one, as before traces.
        var id = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? Correlation.FromTraceId(activity.TraceId)
            : Guid.TryParse(context.Request.Headers[Correlation.Header], out var given) ? given : Guid.CreateVersion7();
        Correlation.Current = id;
        var text = Correlation.Format(id);
        // Forwarded requests (the gateway's proxy) carry the id on; the answer carries it once, even when a proxied
        // service already added its own copy.
        context.Request.Headers[Correlation.Header] = text;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Correlation.Header] = text;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = text }))
        {
            var started = Stopwatch.GetTimestamp();
            await next(context);
            if (!context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
            {
                logger.LogInformation("HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms", context.Request.Method,
                    context.Request.Path.Value, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
