using System.Diagnostics;
using Marketplace.ServiceDefaults.Messaging;

namespace Marketplace.ServiceDefaults.Telemetry;

/// <summary>
/// The W3C propagator ASP.NET Core uses to start a request's trace, plus one rule: a request with no traceparent but an
/// X-Correlation-Id that is a Guid starts its trace with that id as the trace id, so a client that names its own
/// correlation id finds it in the answer, the logs and the spans. A traceparent wins over X-Correlation-Id.
/// </summary>
internal sealed class CorrelationPropagator(DistributedContextPropagator inner) : DistributedContextPropagator
{
    public override IReadOnlyCollection<string> Fields => inner.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
        if (traceId is not null || getter is null) return;
        getter(carrier, Correlation.Header, out var value, out _);
        if (Guid.TryParse(value, out var id) && id != Guid.Empty)
        {
            // The caller's span is unknown: a made-up parent span id (never zero, which W3C forbids), marked sampled.
            traceId = $"00-{Correlation.Format(id)}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        inner.ExtractBaggage(carrier, getter);
}
