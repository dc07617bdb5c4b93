using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Text PostgreSQL cannot store is refused at the edge. A NUL character (U+0000) in a text parameter makes PostgreSQL
/// answer 22021 and, worse, leaves the pooled connection out of step with the server, so the next user's valid request
/// on it fails too; other C0 control characters (all but tab, line feed and carriage return) have no place in any field
/// of this API either. The path, the query string and the strings of a JSON body are checked here before any endpoint
/// runs (a JSON body can hold such a character only as an escape, \u0000; the body is read once into memory, as the
/// JSON binder reads it anyway, and handed on rewound), answering 400 with a ProblemDetails naming the field. A
/// converter on the serializer would do the same for bodies but hides every string's type from the OpenAPI documents.
/// </summary>
public static class InputHygiene
{
    public const string Code = "input.control_character";

    /// <summary>The first character of <paramref name="text"/> no field may hold, or null.</summary>
    public static char? Forbidden(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (c < ' ' && c is not ('\t' or '\n' or '\r')) return c;
        return null;
    }

    /// <summary>Stands for half a surrogate pair found in a JSON string.</summary>
    private const char LoneSurrogate = '\uD800';

    public static string Describe(char c) => char.IsSurrogate(c) ? "half of a surrogate pair (not Unicode text)" : $"the control character U+{(int)c:X4}";

    /// <summary>The most of a JSON body read to look into it: larger bodies are refused by the servers' own limits.</summary>
    private const long MaxJsonBytes = 32 * 1024 * 1024;

    private static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase)
        && request.ContentLength is null or (> 0 and <= MaxJsonBytes);

    /// <summary>The property holding a forbidden character in a JSON body (rewound for the endpoint), or nothing.</summary>
    private static async Task<(string?, char?)> FindInJsonAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        request.Body.Position = 0;
        return Scan(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>The property (or "body") whose string holds a forbidden character in a JSON document, and the character.</summary>
    public static (string? Field, char? Found) Scan(ReadOnlySpan<byte> json)
    {
        // Only an escape can carry a control character: no backslash, nothing to find.
        if (json.IndexOf((byte)'\\') < 0) return (null, null);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var property = "body";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String)) continue;
                var text = reader.ValueIsEscaped ? reader.GetString()! : null;
                if (text is not null && Forbidden(text) is { } c)
                    return (reader.TokenType == JsonTokenType.PropertyName ? new string(text.Where(ch => ch >= ' ').ToArray()) : property, c);
                if (reader.TokenType == JsonTokenType.PropertyName) property = text ?? reader.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the endpoint's binder answers it (400 request.malformed).
        }
        catch (InvalidOperationException)
        {
            // An escape of half a surrogate pair (\ud800): valid JSON, but no string can be made of it, and the binder
            // throws this (not a JsonException) for it, which was a 500 in every service.
            return (property, LoneSurrogate);
        }
        return (null, null);
    }

    /// <summary>Refuses a request whose path or query string holds a forbidden character.</summary>
    public static async Task CheckAsync(HttpContext context, Func<Task> next)
    {
        string? field = null;
        char? found = null;
        if (Forbidden(context.Request.Path.Value) is { } inPath) (field, found) = ("path", inPath);
        else
            foreach (var (key, values) in context.Request.Query)
            {
                found = Forbidden(key);
                foreach (var value in values)
                    found ??= value is null ? null : Forbidden(value);
                if (found is not null) { field = key; break; }
            }
        if (found is null && IsJson(context.Request))
            (field, found) = await FindInJsonAsync(context.Request);
        if (found is null)
        {
            await next();
            return;
        }
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        var details = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Malformed request",
            Detail = $"'{field}' contains {Describe(found.Value)}, which no field accepts.",
            Extensions =
            {
                [ProblemCodes.Extension] = Code,
                ["errors"] = new Dictionary<string, string[]> { [field!] = [$"contains {Describe(found.Value)}"] },
                [ProblemCodes.FieldCodes] = new Dictionary<string, string[]> { [field!] = [Code] },
            },
        };
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details }))
            await context.Response.WriteAsJsonAsync(details);
    }
}
