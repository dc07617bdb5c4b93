using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.EndToEnd.Tests.OpenApi;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>
/// Every operation of every service as its served OpenAPI document describes it: where it is, who may call it, what it
/// reads (path, query, header, JSON body) and a plausible body built from the body's schema. The abuse suite is
/// generated from this alone, so a new endpoint is covered the day its document shows it.
/// </summary>
public sealed class Surface
{
    public sealed record Parameter(string Name, string In, JsonElement Schema, bool Required);

    public sealed record Op(string Service, string Method, string Template, string[]? Roles, Parameter[] Parameters, JsonObject? Body,
        string[] BodyRequired, Dictionary<string, JsonElement> BodyProperties, bool BodyIsRequired)
    {
        public string Path => OpenApiDocuments.Prefix(Service) + Template;
        public bool Anonymous => Roles is null;
        public bool TakesIdempotencyKey => Parameters.Any(p => p.In == "header" && p.Name == "Idempotency-Key");
        public IEnumerable<Parameter> InPath => Parameters.Where(p => p.In == "path");
        public IEnumerable<Parameter> InQuery => Parameters.Where(p => p.In == "query");
        public bool Reads => Method is "GET" or "HEAD";
        public override string ToString() => $"{Method} {Path}";
    }

    public IReadOnlyList<Op> Operations { get; }

    private Surface(IReadOnlyList<Op> operations) => Operations = operations;

    public static async Task<Surface> ReadAsync()
    {
        var operations = new List<Op>();
        foreach (var service in OpenApiDocuments.Services)
        {
            using var document = JsonDocument.Parse(await OpenApiDocuments.ReadAsync(service));
            var root = document.RootElement;
            foreach (var operation in OpenApiDocuments.Operations(root))
            {
                var parameters = operation.Parameters.Select(p => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                    p.TryGetProperty("schema", out var s) ? s.Clone() : default,
                    p.TryGetProperty("required", out var r) && r.GetBoolean())).ToArray();
                JsonObject? body = null;
                string[] required = [];
                var properties = new Dictionary<string, JsonElement>();
                if (operation.JsonBody is { } schema)
                {
                    var resolved = OpenApiDocuments.Resolve(root, schema);
                    body = Plausible(root, resolved, "", 0) as JsonObject ?? [];
                    required = resolved.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToArray() : [];
                    if (resolved.TryGetProperty("properties", out var props))
                        foreach (var property in props.EnumerateObject()) properties[property.Name] = Follow(root, property.Value).Clone();
                }
                var bodyIsRequired = operation.Element.TryGetProperty("requestBody", out var requestBody)
                    && requestBody.TryGetProperty("required", out var isRequired) && isRequired.GetBoolean();
                operations.Add(new Op(service, operation.Method, operation.Path, operation.Roles, parameters, body, required, properties, bodyIsRequired));
            }
        }
        return new Surface(operations);
    }

    /// <summary>A schema with its reference (or nullable oneOf) followed.</summary>
    private static JsonElement Follow(JsonElement root, JsonElement schema)
    {
        for (var depth = 0; depth < 5; depth++)
        {
            var next = OpenApiDocuments.Resolve(root, schema);
            if (next.TryGetProperty("anyOf", out var anyOf) && anyOf.EnumerateArray().FirstOrDefault(s => !IsNull(s)) is { ValueKind: JsonValueKind.Object } some)
                next = OpenApiDocuments.Resolve(root, some);
            if (next.Equals(schema)) return next;
            schema = next;
        }
        return schema;
    }

    private static bool IsNull(JsonElement schema) => schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null";

    /// <summary>The JSON types a schema allows ("string", "integer", "number", "boolean", "array", "object"), null left out.</summary>
    public static string[] Types(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object) return [];
        if (!schema.TryGetProperty("type", out var type)) return schema.TryGetProperty("properties", out _) ? ["object"] : [];
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()!).Where(t => t != "null").ToArray()
            : type.GetString() == "null" ? [] : [type.GetString()!];
    }

    public static string? Format(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;

    public static string[]? Enum(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var e)
            ? e.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray() : null;

    /// <summary>The main kind of a schema: string before number (numbers are also read from strings), a format refines it.</summary>
    public static string Kind(JsonElement schema)
    {
        var types = Types(schema);
        if (types.Contains("array")) return "array";
        if (types.Contains("object")) return "object";
        if (types.Contains("boolean")) return "boolean";
        if (types.Contains("integer")) return "integer";
        if (types.Contains("number")) return "number";
        return "string";
    }

    /// <summary>A value a careful user would send for a field: the first allowed value, a date a week ahead, one of everything.</summary>
    public static JsonNode? Plausible(JsonElement root, JsonElement schema, string name, int depth)
    {
        schema = Follow(root, schema);
        if (Enum(schema) is { Length: > 0 } values) return values[0];
        switch (Kind(schema))
        {
            case "array":
                return depth > 3 || !schema.TryGetProperty("items", out var items) ? new JsonArray() : new JsonArray(Plausible(root, items, name, depth + 1));
            case "object":
                var result = new JsonObject();
                if (depth > 3 || !schema.TryGetProperty("properties", out var properties)) return result;
                foreach (var property in properties.EnumerateObject()) result[property.Name] = Plausible(root, property.Value, property.Name, depth + 1);
                return result;
            case "boolean": return false;
            case "integer": return 1;
            case "number": return 1.5m;
        }
        return Format(schema) switch
        {
            "uuid" => Guid.NewGuid().ToString(),
            "date-time" => DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
            "date" => "2030-01-01",
            "email" => "abuse@e2e.test",
            _ => name.ToLowerInvariant() switch
            {
                "email" => "abuse@e2e.test",
                "currency" => "CNY",
                var n when n.Contains("password") => "abuse-password-1",
                _ => "plain text",
            },
        };
    }
}
