using System.Text;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; a row's line is where it starts. A field or a
/// record past its limit ends the reading with an error at its line (a runaway quote would otherwise swallow the file).
/// </summary>
internal static class Csv
{
    private static readonly string[] Known = ["id", "content", "content_uri", "metadata", "predictions", "gold"];

    public static async IAsyncEnumerable<object> ReadAsync(TextReader reader, DatasetLimits limits,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long line = 1;
        Dictionary<string, int>? columns = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var start = line;
            var (fields, error, lines) = await ReadRecordAsync(reader, limits);
            line += lines;
            if (fields is null && error is null) yield break;
            if (error is not null) { yield return new ManifestError(start, error); yield break; }
            if (fields!.Count == 1 && fields[0].Length == 0) continue;
            if (columns is null)
            {
                var names = fields.Select(name => name.Trim().ToLowerInvariant()).ToList();
                if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                {
                    yield return new ManifestError(start, $"the header names '{repeated.Key}' more than once");
                    yield break;
                }
                columns = names.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
                var unknown = columns.Keys.FirstOrDefault(k => !Known.Contains(k));
                if (!columns.ContainsKey("id") || unknown is not null)
                {
                    yield return new ManifestError(start, $"the header must name id and content or content_uri, with optional metadata, predictions and gold{(unknown is null ? "" : $" ('{unknown}' is not one of them)")}");
                    yield break;
                }
                continue;
            }
            if (fields.Count != columns.Count)
            {
                yield return new ManifestError(start, $"expected {columns.Count} fields, found {fields.Count}");
                continue;
            }
            string? Field(string name) => columns.TryGetValue(name, out var i) && fields[i].Length > 0 ? fields[i] : null;
            yield return new ManifestRow(start, Field("id"), Field("content"), Field("content_uri"), Field("metadata"), Field("predictions"), Field("gold"));
        }
    }

    /// <returns>the fields, or null at the end; an error for a broken quote; how many line breaks were consumed.</returns>
    private static Task<(List<string>? Fields, string? Error, long Lines)> ReadRecordAsync(TextReader reader, DatasetLimits limits) =>
        Task.FromResult(ReadRecord(reader, limits));

    // Synchronous on purpose: the StreamReader is buffered, and an await per character would dominate a large file.
    private static (List<string>? Fields, string? Error, long Lines) ReadRecord(TextReader reader, DatasetLimits limits)
    {
        long record = 0;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        long lines = 0;
        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                if (quoted) return (null, "a quoted field is never closed", lines);
                if (!any) return (null, null, lines);
                fields.Add(field.ToString());
                return (fields, null, lines);
            }
            any = true;
            var c = (char)next;
            if (++record > limits.MaxLineChars) return (null, $"the record is longer than {limits.MaxLineChars} characters", lines);
            if (field.Length >= limits.MaxFieldChars && c is not ('"' or ',' or '\r' or '\n'))
                return (null, $"field {fields.Count + 1} is longer than {limits.MaxFieldChars} characters", lines);
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') lines++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n': lines++; fields.Add(field.ToString()); return (fields, null, lines);
                default: field.Append(c); break;
            }
        }
    }
}
