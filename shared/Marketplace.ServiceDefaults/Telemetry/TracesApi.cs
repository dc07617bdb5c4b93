using System.Globalization;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Data;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.ServiceDefaults.Telemetry;

/// <summary>
/// GET /ops/traces/{traceId}: the spans of one trace that this instance still holds (see <see cref="RecentSpans"/>),
/// for operators without a collector. Through the gateway it reaches one instance of a service; the answer names it.
/// </summary>
public static class TracesApi
{
    public static IEndpointRouteBuilder MapTraces(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ops/traces/{traceId}", (string traceId, int? limit, RecentSpans spans, ServiceIdentity service) =>
        {
            if (!TryNormalise(traceId, out var id))
                return Problems.BadRequest("traceId", "traceId must be a trace id (32 hex digits) or the X-Correlation-Id of a request.");
            var found = spans.Of(id, Math.Clamp(limit ?? 200, 1, 1000), out var truncated);
            return Results.Ok(new TraceView(id, service.Name, Instance, spans.Capacity, truncated, found));
        }).RequireAuthorization(Roles.Operator).WithTags("Operations")
            .Produces<TraceView>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static readonly string Instance = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>32 hex digits, or any Guid spelling of them (a correlation id is the trace id read as a Guid).</summary>
    private static bool TryNormalise(string given, out string traceId)
    {
        traceId = "";
        if (given.Length == 32 && given.All(Uri.IsHexDigit))
        {
            traceId = given.ToLowerInvariant();
            return given.Any(c => c != '0');
        }
        if (!Guid.TryParse(given, CultureInfo.InvariantCulture, out var guid) || guid == Guid.Empty) return false;
        traceId = guid.ToString("N");
        return true;
    }

    public sealed record TraceView(string TraceId, string Service, string Instance, int SpansKept, bool Truncated, IReadOnlyList<SpanRecord> Spans);
}
