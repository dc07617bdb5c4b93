using System.Diagnostics;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// The correlation id of the request or message being handled: the W3C trace id of the current trace, read as a Guid
/// (its 32 hex digits are the Guid's "N" form), so the id a user gets back in X-Correlation-Id, the CorrelationId of
/// every log line and the trace id of every span are one value. A Hangfire job restores the id of the request that asked
/// for it and runs in a span of that trace (Jobs/JobCorrelationFilter); the outbox relay turns a stored id back into the trace.
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";
    private static readonly AsyncLocal<Guid?> CurrentId = new();

    public static Guid? Current
    {
        get => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? FromTraceId(activity.TraceId) : CurrentId.Value;
        set => CurrentId.Value = value;
    }

    /// <summary>How the id is written everywhere (headers, logs): 32 lower-case hex digits, as trace ids are written.</summary>
    public static string Format(Guid id) => id.ToString("N");

    public static Guid FromTraceId(ActivityTraceId traceId) => Guid.ParseExact(traceId.ToHexString(), "N");

    public static ActivityTraceId ToTraceId(Guid id) => ActivityTraceId.CreateFromString(id.ToString("N"));
}
