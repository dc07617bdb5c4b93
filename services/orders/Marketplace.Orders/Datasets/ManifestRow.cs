using System.Text;
using System.Text.Json;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// One item of a manifest: an id, its content (inline text) or a content URI, optional metadata and model predictions,
/// and for a gold item its known answer ("gold").
/// </summary>
public sealed record ManifestRow(long Line, string? Id, string? Content, string? ContentUri, string? MetadataJson, string? PredictionsJson,
    string? GoldJson = null)
{
    public string StoredContent => Content ?? ContentUri ?? "";
}

/// <summary>A row that could not even be read (bad JSON, a broken CSV quote).</summary>
public sealed record ManifestError(long Line, string Message);

/// <summary>
/// Streams the rows of a JSONL or CSV manifest with their line numbers, never holding the file in memory.
/// JSONL: one object per line {"id", "content" | "contentUri", "metadata"?, "predictions"?, "gold"?}.
/// CSV: a header naming id, content, content_uri, metadata, predictions, gold (the last three as JSON text).
/// </summary>
public static class ManifestReader
{
    public static async IAsyncEnumerable<object> ReadAsync(Stream stream, string format, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        if (format == "jsonl")
        {
            long line = 0;
            while (await reader.ReadLineAsync(ct) is { } text)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                yield return ParseJsonLine(line, text);
            }
        }
        else
        {
            await foreach (var row in Csv.ReadAsync(reader, ct)) yield return row;
        }
    }

    private static object ParseJsonLine(long line, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new ManifestError(line, "each line must be a JSON object");
            string? Text(string name, out string? problem)
            {
                problem = null;
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.String) { problem = $"'{name}' must be a string"; return null; }
                return v.GetString();
            }
            var id = Text("id", out var idProblem);
            if (id is null && root.TryGetProperty("id", out var numeric) && numeric.ValueKind == JsonValueKind.Number)
            {
                id = numeric.GetRawText();
                idProblem = null;
            }
            if (idProblem is not null) return new ManifestError(line, idProblem);
            var content = Text("content", out var contentProblem);
            if (contentProblem is not null) return new ManifestError(line, contentProblem);
            var uri = Text("contentUri", out var uriProblem);
            if (uriProblem is not null) return new ManifestError(line, uriProblem);
            string? Raw(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetRawText() : null;
            return new ManifestRow(line, id, content, uri, Raw("metadata"), Raw("predictions"), Raw("gold"));
        }
        catch (JsonException e)
        {
            return new ManifestError(line, $"not valid JSON ({e.Message.Split(" LineNumber")[0].Split(" Path:")[0]})");
        }
    }
}
