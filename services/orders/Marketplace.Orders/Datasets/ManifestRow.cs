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

/// <summary>Orders:Datasets: how large a manifest's parts, an upload and an organisation's stored files may be.</summary>
public sealed class DatasetLimits
{
    /// <summary>The longest JSONL line or CSV record, in characters (1 Mi): a longer one is a bad row, read no further.</summary>
    public int MaxLineChars { get; set; } = 1 << 20;

    /// <summary>The longest CSV field, in characters (256 Ki).</summary>
    public int MaxFieldChars { get; set; } = 256 * 1024;

    /// <summary>The largest dataset one upload may hold (20 GiB).</summary>
    public long MaxUploadBytes { get; set; } = 20L << 30;

    /// <summary>What one organisation may keep stored: its datasets (current and in flight) and media files (200 GiB).</summary>
    public long MaxOrganisationBytes { get; set; } = 200L << 30;
}

/// <summary>
/// Streams the rows of a JSONL or CSV manifest with their line numbers, never holding the file in memory: a line or a
/// field longer than its limit is reported as a bad row at its line without being held whole.
/// JSONL: one object per line {"id", "content" | "contentUri", "metadata"?, "predictions"?, "gold"?}.
/// CSV: a header naming id, content, content_uri, metadata, predictions, gold (the last three as JSON text).
/// </summary>
public static class ManifestReader
{
    public static async IAsyncEnumerable<object> ReadAsync(Stream stream, string format, DatasetLimits limits,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        if (format == "jsonl")
        {
            long line = 0;
            var text = new StringBuilder();
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var (more, tooLong) = ReadLine(reader, text, limits.MaxLineChars);
                if (!more) yield break;
                line++;
                if (tooLong) { yield return new ManifestError(line, $"the line is longer than {limits.MaxLineChars} characters"); continue; }
                if (text.Length == 0 || string.IsNullOrWhiteSpace(text.ToString())) continue;
                yield return ParseJsonLine(line, text.ToString());
            }
        }
        else
        {
            await foreach (var row in Csv.ReadAsync(reader, limits, ct)) yield return row;
        }
    }

    /// <summary>
    /// The next line into <paramref name="text"/> (without its line break); a line past <paramref name="max"/> characters is
    /// skipped to its end and reported too long. Synchronous on purpose: the reader is buffered.
    /// </summary>
    /// <returns>whether there was a line at all, and whether it was too long.</returns>
    private static (bool More, bool TooLong) ReadLine(TextReader reader, StringBuilder text, int max)
    {
        text.Clear();
        var any = false;
        var tooLong = false;
        while (reader.Read() is var next && next >= 0)
        {
            any = true;
            if (next == '\n') break;
            if (tooLong) continue;
            // One more than the limit is kept, so a line of exactly the limit ending in \r\n still fits.
            if (text.Length > max) { tooLong = true; text.Clear(); continue; }
            text.Append((char)next);
        }
        if (text.Length > 0 && text[^1] == '\r') text.Length--;
        if (text.Length > max) { tooLong = true; text.Clear(); }
        return (any, tooLong);
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
