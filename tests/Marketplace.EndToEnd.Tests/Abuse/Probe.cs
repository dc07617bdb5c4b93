using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>One generated request: who sends what where, and which case of which operation it is.</summary>
public sealed record Probe(Surface.Op Op, string Case, HttpClient Http, string Method, string Path)
{
    public byte[]? Body { get; init; }
    public string? ContentType { get; init; } = "application/json";
    public string? IdempotencyKey { get; init; }

    /// <summary>The body field this probe spoils where the rest is valid: a 400 must name it.</summary>
    public string? Field { get; init; }

    /// <summary>Refused for sure: a wrong type, a control character, malformed JSON (a "may be fine" value is sent where nothing can change).</summary>
    public bool MustRefuse { get; init; }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public override string ToString() => $"{Method} {Path} [{Case}]";
}

public sealed record Answer(Probe Probe, int Status, string? MediaType, string Text, bool RetryAfter)
{
    /// <summary>A ProblemDetails that names the problem: its media type and a title, detail or code.</summary>
    public bool IsNamedProblem
    {
        get
        {
            if (MediaType != "application/problem+json") return false;
            try
            {
                using var document = JsonDocument.Parse(Text);
                return new[] { "code", "title", "detail" }.Any(p => document.RootElement.TryGetProperty(p, out var v)
                    && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()));
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    /// <summary>Whether a 400's <c>errors</c> name the field (as "field", "field.x" or "field[0]", any case).</summary>
    public bool Names(string field)
    {
        try
        {
            using var document = JsonDocument.Parse(Text);
            return document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                && errors.EnumerateObject().Any(e => e.Name.TrimStart('$', '.').Split('.', '[')[0].Equals(field, StringComparison.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public override string ToString() =>
        $"{Probe} answered {Status}: {(Text.Length > 300 ? Text[..300] + "..." : Text)}" + (Status >= 500 ? Cluster.ErrorsLoggedFor(Text) : "");
}

public static class Prober
{
    /// <summary>Sends every probe, <paramref name="parallel"/> at a time (the cluster shares two cores with the test itself).</summary>
    public static async Task<Answer[]> SendAllAsync(IReadOnlyList<Probe> probes, int parallel = 8)
    {
        var answers = new Answer[probes.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, probes.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (index, _) => answers[index] = await SendAsync(probes[index]));
        return answers;
    }

    public static async Task<Answer> SendAsync(Probe probe)
    {
        // A path that holds what no URI may (a lone % or a raw control character) is sent as it is written.
        var request = new HttpRequestMessage(new HttpMethod(probe.Method), new Uri(probe.Path, UriKind.Relative));
        if (probe.Body is not null)
        {
            request.Content = new ByteArrayContent(probe.Body);
            if (probe.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
        }
        if (probe.IdempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", probe.IdempotencyKey);
        using var response = await probe.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(probe, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text,
            response.Headers.RetryAfter is not null);
    }

    public static HttpClient Garbage(string token)
    {
        var http = Api.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
