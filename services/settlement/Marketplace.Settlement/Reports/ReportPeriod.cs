using System.Globalization;
using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Settlement.Reports;

/// <summary>
/// A reporting period: half-open [From, To) in UTC, in one currency. Parsed from the query by hand so a bad date answers
/// 400 naming the field, never a framework error.
/// </summary>
public sealed record ReportPeriod(DateTimeOffset From, DateTimeOffset To, string Currency)
{
    public const string DefaultCurrency = "CNY";

    public static ProblemHttpResult? TryParse(string? from, string? to, string? currency, out ReportPeriod period, int? maxDays = null)
    {
        period = null!;
        if (Bad(from, "from", out var start) is { } fromProblem) return fromProblem;
        if (Bad(to, "to", out var end) is { } toProblem) return toProblem;
        if (end <= start) return Problems.BadRequest("to", "'to' must be after 'from' (the period is [from, to)).");
        if (maxDays is { } days && end - start > TimeSpan.FromDays(days))
            return Problems.BadRequest("to", $"The period may span at most {days} days.");
        currency ??= DefaultCurrency;
        if (currency != DefaultCurrency) return Problems.BadRequest("currency", "'currency' must be CNY.");
        period = new ReportPeriod(start, end, currency);
        return null;
    }

    public static ProblemHttpResult? Bad(string? value, string field, out DateTimeOffset parsed)
    {
        parsed = default;
        if (string.IsNullOrWhiteSpace(value)) return Problems.BadRequest(field, $"'{field}' is required (ISO 8601 date or date-time, UTC unless an offset is given).");
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed))
            return Problems.BadRequest(field, $"'{field}' is not a date: '{value}' (use ISO 8601, e.g. 2026-11-01 or 2026-11-01T00:00:00Z).");
        if (parsed.Year < 2000 || parsed.Year > 2200) return Problems.BadRequest(field, $"'{field}' is out of range.");
        parsed = parsed.ToUniversalTime();
        return null;
    }
}

/// <summary>JSON by default; CSV for <c>?format=csv</c> or <c>Accept: text/csv</c>.</summary>
public static class ReportFormat
{
    public static ProblemHttpResult? WantsCsv(HttpRequest request, string? format, out bool csv)
    {
        csv = false;
        if (format is not null)
        {
            if (format is not ("csv" or "json")) return Problems.BadRequest("format", "'format' must be json or csv.");
            csv = format == "csv";
            return null;
        }
        csv = request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        return null;
    }
}
