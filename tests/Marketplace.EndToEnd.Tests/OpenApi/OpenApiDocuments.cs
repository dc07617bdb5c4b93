using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.OpenApi;

/// <summary>The six live OpenAPI documents as a user of the gateway reads them, and what they say about each operation.</summary>
public static class OpenApiDocuments
{
    public static readonly string[] Services = ["gateway", "orders", "bidding", "tasks", "payouts", "settlement"];

    public static string PathOf(string service) => service == "gateway" ? "/openapi/v1.json" : $"/api/{service}/openapi/v1.json";

    /// <summary>Where the service's paths are served at the gateway, as the document's server says.</summary>
    public static string Prefix(string service) => service == "gateway" ? "" : $"/api/{service}";

    public static async Task<string> ReadAsync(string service)
    {
        using var anonymous = Api.Anonymous();
        var response = await anonymous.GetAsync(PathOf(service));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{PathOf(service)}: {text}");
        return text;
    }

    public sealed record Operation(string Method, string Path, JsonElement Element)
    {
        public override string ToString() => $"{Method} {Path}";

        /// <summary>Null when the operation is anonymous; else the roles of its bearer requirement (empty: any signed-in caller).</summary>
        public string[]? Roles => Element.TryGetProperty("security", out var security) && security.GetArrayLength() > 0
            ? security[0].TryGetProperty("Bearer", out var roles) ? roles.EnumerateArray().Select(r => r.GetString()!).ToArray() : []
            : null;

        public IEnumerable<(string Status, JsonElement Response)> Responses =>
            Element.GetProperty("responses").EnumerateObject().Select(r => (r.Name, r.Value));

        public IEnumerable<JsonElement> Parameters =>
            Element.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [];

        public JsonElement? JsonBody =>
            Element.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out var json)
                ? json.GetProperty("schema") : null;
    }

    public static IReadOnlyList<Operation> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(o => o.Name is "get" or "put" or "post" or "delete" or "patch" or "head")
                .Select(o => new Operation(o.Name.ToUpperInvariant(), path.Name, o.Value)))
            .ToList();

    /// <summary>A schema with its $ref followed (one level; an optional body is oneOf null or the $ref), or the schema itself.</summary>
    public static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().FirstOrDefault(s => s.TryGetProperty("$ref", out _)) is
            { ValueKind: JsonValueKind.Object } referenced)
            schema = referenced;
        return schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
    }

    /// <summary>A concrete path: each {parameter} filled with a value of its documented type that names nothing that exists.</summary>
    public static string Fill(Operation operation)
    {
        var path = operation.Path;
        foreach (var parameter in operation.Parameters.Where(p => p.GetProperty("in").GetString() == "path"))
        {
            var name = parameter.GetProperty("name").GetString()!;
            var schema = parameter.GetProperty("schema");
            var value = schema.TryGetProperty("format", out var format) && format.GetString() == "uuid" ? Guid.NewGuid().ToString()
                : schema.TryGetProperty("type", out var type) && type.ToString().Contains("integer") ? "9223372036854775" : "nothing-here";
            path = path.Replace($"{{{name}}}", value);
        }
        return path;
    }
}
