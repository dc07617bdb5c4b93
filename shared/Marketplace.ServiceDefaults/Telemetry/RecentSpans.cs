using System.Diagnostics;
using OpenTelemetry;

namespace Marketplace.ServiceDefaults.Telemetry;

/// <summary>
/// The last spans this instance ended, in a fixed ring (Telemetry:RecentSpans, default 10,000), so an operator can look
/// at a trace without a collector. Each span is copied small (tags capped in number and length), so the ring's memory
/// is bounded whatever the spans carried; an old span is overwritten by a new one.
/// </summary>
public sealed class RecentSpans
{
    public const int MaxTags = 16;
    public const int MaxTagLength = 128;

    private readonly SpanRecord?[] _ring;
    private long _next;

    public RecentSpans(int capacity) => _ring = new SpanRecord?[Math.Max(1, capacity)];

    public int Capacity => _ring.Length;

    public void Add(Activity activity)
    {
        var tags = new Dictionary<string, string>();
        foreach (var (key, value) in activity.TagObjects)
        {
            if (tags.Count == MaxTags) break;
            var text = value?.ToString() ?? "";
            tags[key] = text.Length > MaxTagLength ? text[..MaxTagLength] + "…" : text;
        }
        var record = new SpanRecord(
            activity.TraceId.ToHexString(),
            activity.SpanId.ToHexString(),
            activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
            activity.DisplayName.Length > MaxTagLength ? activity.DisplayName[..MaxTagLength] : activity.DisplayName,
            activity.Kind.ToString(),
            activity.Source.Name,
            new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero),
            activity.Duration.TotalMilliseconds,
            activity.Status.ToString(),
            activity.StatusDescription,
            tags);
        var slot = (Interlocked.Increment(ref _next) - 1) % _ring.Length;
        _ring[slot] = record;
    }

    /// <summary>The spans of one trace this instance still holds, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<SpanRecord> Of(string traceId, int limit, out bool truncated)
    {
        var found = new List<SpanRecord>();
        // A reference read is atomic: a slot being overwritten gives the old span or the new one, never half of either.
        foreach (var slot in _ring)
        {
            if (slot is { } span && span.TraceId == traceId) found.Add(span);
        }
        truncated = found.Count > limit;
        return found.OrderBy(s => s.StartedAt).ThenBy(s => s.SpanId, StringComparer.Ordinal).Take(limit).ToList();
    }
}

public sealed record SpanRecord(
    string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind, string Source,
    DateTimeOffset StartedAt, double DurationMs, string Status, string? StatusDescription, IReadOnlyDictionary<string, string> Tags);

/// <summary>Hands every ended span that was sampled to the ring.</summary>
internal sealed class RecentSpansProcessor(RecentSpans spans) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        if (activity.Recorded) spans.Add(activity);
    }
}
