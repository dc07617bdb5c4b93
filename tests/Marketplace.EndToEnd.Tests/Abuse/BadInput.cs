using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>
/// Bad input for every operation, generated from its document with a seeded generator: wrong values in each path and
/// query parameter, malformed JSON, wrong content types, each body field of the wrong type, missing, null, huge, negative
/// or an odd string (NUL, control characters, zero-width, right-to-left, lone surrogates, very long), extra fields, and
/// idempotency keys missing, too long or replayed with another body.
/// A value that must be refused is sent with the world's real ids, so it reaches as deep as it can; a value that a field
/// may accept (a negative number, a zero-width space in a title) is sent either to an id that does not exist or with a
/// required field left out, so the request is refused whatever the value does and no row can change.
/// </summary>
public sealed class BadInput(World world, Random random)
{
    /// <summary>Path and query values: (the text as it goes on the URL, refused wherever it appears).</summary>
    private static readonly (string Value, bool Refused)[] UrlValues =
    [
        ("abc", false), ("-1", false), ("0", false), ("2147483647", false), ("2147483648", false), ("-2147483649", false),
        ("9223372036854775808", false), ("99999999999999999999999999999999999999", false), ("1e309", false), ("NaN", false),
        ("%00", true), ("a%00b", true), ("%01", true), ("%1B%5B31m", true), ("%E2%80%8B", false), ("%E2%80%AEevil", false),
        ("%ED%A0%80", false), ("%F0%9F%98%80", false), ("%C0%AF", false), ("..%2F..%2Fetc%2Fpasswd", false), ("'%20OR%201=1--", false),
        (new string('a', 3000), false), ("%25", false), ("true", false), ("%5B%5D", false),
    ];

    /// <summary>Odd strings for a JSON string field (as JSON text): refused (control characters) or possibly fine.</summary>
    private static readonly (string Json, bool Refused)[] OddStrings =
    [
        ("\"\\u0000\"", true), ("\"x\\u0000y\"", true), ("\"\\u0001\"", true), ("\"\\u001b[2J\"", true),
        ("\"a\\u200bb\"", false), ("\"\\u202eevil\"", false), ("\"\\u2066x\\u2069\"", false), ("\"\\ud800\"", false), ("\"\\udfff\\ud800\"", false),
        ("\"\\ufeffbom\"", false), ("\"😀👍🏽\"", false), ("\"Ω≈ç√∫ 数据标注\"", false), ("\"'; DROP TABLE orders; --\"", false),
        ("\"<script>alert(1)</script>\"", false), ("\"\"", false), ("\"   \"", false),
        ($"\"{new string('x', 10_000)}\"", false), ($"\"{new string('长', 300_000)}\"", false),
    ];

    private static readonly string[] InvisibleEmails =
        ["\"ab\\u200b@e2e.test\"", "\"\\u202etset.e2e@ba\"", "\"ab@e2e\\u2066.test\"", "\"\\ufeffab@e2e.test\"", "\"ab\\ud800@e2e.test\""];

    private static readonly string[] HugeNumbers = ["1e309", "-1e309", "99999999999999999999999999999999999999", "2147483648", "-2147483649", "9223372036854775808"];
    private static readonly string[] MaybeNumbers = ["-1", "0", "-0.01", "0.000000001", "79228162514264337593543950335", "1e20", "2147483647"];

    private static readonly string[] Malformed =
    [
        "{", "{\"a\":}", "{'single': 1}", "{} trailing", "[1,2,3]", "null", "\"text\"", "123", "true", "{\"a\" 1}", "{\"a\":1,}", "\u00ef\u00bb\u00bf{",
        "/* comment */ {}", "{\"a\": NaN}", "{\"a\": Infinity}", "{\"a\": 0x10}", new string('[', 5000) + new string(']', 5000),
    ];

    private static readonly string[] WrongContentTypes =
        ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "image/png"];

    public List<Probe> Generate(Surface surface)
    {
        var probes = new List<Probe>();
        foreach (var op in surface.Operations)
        {
            if (op.Path.EndsWith("/signout", StringComparison.Ordinal)) continue; // ends the caller's session: covered by TokenKeyTests
            var http = Caller(op);
            probes.AddRange(PathProbes(op, http));
            probes.AddRange(QueryProbes(op, http));
            if (op.Body is not null) probes.AddRange(BodyProbes(op, http));
            if (op.TakesIdempotencyKey) probes.AddRange(KeyProbes(op, http));
        }
        return probes;
    }

    /// <summary>The owner of the world's ids in the operation's first role (anonymous operations: no token).</summary>
    private HttpClient Caller(Surface.Op op) =>
        op.Anonymous ? Api.Anonymous()
        : op.Roles!.Length == 0 ? world.Enterprise.Http
        : world.Owner(op.Roles.FirstOrDefault(r => r != "operator") ?? "operator").Http;

    /// <summary>The plausible body pointed at the world, as it would be sent.</summary>
    private JsonObject Body(Surface.Op op)
    {
        var body = (JsonObject)op.Body!.DeepClone();
        world.PointAtWorld(body);
        return body;
    }

    private Probe New(Surface.Op op, HttpClient http, string name, string path, bool refused, string? body = null, string? contentType = "application/json") =>
        new(op, name, http, op.Method, path)
        {
            Body = body is null ? null : Probe.Utf8(body),
            ContentType = body is null ? null : contentType,
            IdempotencyKey = op.TakesIdempotencyKey ? Guid.NewGuid().ToString() : null,
            MustRefuse = refused,
        };

    private string? BodyText(Surface.Op op) => op.Body is null ? null : Body(op).ToJsonString();

    private IEnumerable<Probe> PathProbes(Surface.Op op, HttpClient http)
    {
        foreach (var parameter in op.InPath)
        {
            // A write's path only carries values its route cannot take as an id (a guid), or values refused anywhere.
            var guid = Surface.Format(parameter.Schema) == "uuid";
            foreach (var (value, refused) in UrlValues.Where(v => v.Refused || guid || op.Reads))
            {
                var path = Replace(op, parameter.Name, value);
                yield return New(op, http, $"path {parameter.Name}={Short(value)}", path, refused || (guid && !op.Reads), BodyText(op));
            }
        }
    }

    /// <summary>The path with one parameter set to <paramref name="value"/> and the others the world's.</summary>
    private string Replace(Surface.Op op, string name, string value)
    {
        var path = op.Path;
        foreach (var parameter in op.InPath)
            path = System.Text.RegularExpressions.Regex.Replace(path, "\\{\\*{0,2}" + parameter.Name + "(:[^}]*)?\\}",
                parameter.Name == name ? value.Replace("$", "$$") : world.Candidates(op, parameter)[0]);
        return path;
    }

    private IEnumerable<Probe> QueryProbes(Surface.Op op, HttpClient http)
    {
        var real = world.Fill(op);
        var invented = world.Fill(op, invent: true);
        var names = op.InQuery.Select(p => p.Name).Append("zzzUndocumented");
        foreach (var name in names)
        {
            foreach (var (value, refused) in UrlValues)
            {
                // A value a parameter may accept changes nothing on a read, or on a write to nothing that exists.
                var safe = refused || op.Reads;
                if (!safe && !op.InPath.Any()) continue;
                var path = (safe ? real : invented) + $"?{name}={value}";
                yield return New(op, http, $"query {name}={Short(value)}", path, refused, BodyText(op));
            }
        }
    }

    private IEnumerable<Probe> BodyProbes(Surface.Op op, HttpClient http)
    {
        var real = world.Fill(op);
        var invented = world.Fill(op, invent: true);
        // An optional body left out (or sent as null or empty) is a valid request: only a required one is refused then.
        foreach (var text in Malformed.Where(t => op.BodyIsRequired || t != "null"))
            yield return New(op, http, $"malformed {Short(text)}", real, true, text);
        if (op.BodyIsRequired)
        {
            yield return New(op, http, "empty body", real, true, "");
            yield return New(op, http, "no body", real, true);
        }
        yield return new Probe(op, "invalid UTF-8", http, op.Method, real) { Body = [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d], MustRefuse = true,
            IdempotencyKey = op.TakesIdempotencyKey ? Guid.NewGuid().ToString() : null };
        if (op.BodyIsRequired || op.InPath.Any())
        {
            var where = op.BodyIsRequired ? real : invented;
            foreach (var type in WrongContentTypes) yield return New(op, http, $"content type {type}", where, op.BodyIsRequired, BodyText(op), type);
            yield return New(op, http, "no content type", where, op.BodyIsRequired, BodyText(op), null);
        }
        yield return New(op, http, "a list of bodies", real, true, $"[{BodyText(op)},{BodyText(op)}]");
        yield return New(op, http, "extra field with NUL", real, true, With(op, b => b["zzzExtra"] = "\u0000"));

        // Values a field may accept: sent where the request is refused for another reason.
        var maybe = op.InPath.Any() ? invented : op.BodyProperties.Count > 1 ? real : null;
        if (maybe is not null && Spoilt(op, "", b => b["zzzExtra"] = 1) is { } extra)
            yield return New(op, http, "extra field", maybe, false, extra);

        foreach (var (name, schema) in op.BodyProperties)
        {
            var kind = Surface.Kind(schema);
            foreach (var wrong in WrongTypes(kind, schema))
                yield return New(op, http, $"{name} as {Short(wrong)}", real, true, With(op, b => b[name] = JsonNode.Parse(wrong))) with { Field = name };
            if (kind is "integer" or "number")
            {
                // Beyond the field's own type only: 2^31 fits a long, 10^38 fits a double.
                var huge = kind == "number" ? ["1e309", "-1e309"] : Surface.Format(schema) == "int64" ? ["1e309", "9223372036854775808"] : HugeNumbers;
                foreach (var value in huge)
                    yield return New(op, http, $"{name}={value}", real, true, WithRaw(op, name, value));
            }
            if (kind == "string")
            {
                foreach (var (json, _) in OddStrings.Where(o => o.Refused))
                    yield return New(op, http, $"{name}={Short(json)}", real, true, WithRaw(op, name, json));
                // An identifier no one can tell from another's: an e-mail address with an invisible or direction-changing character.
                if (Surface.Format(schema) == "email" || name.Equals("email", StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var json in InvisibleEmails)
                        yield return New(op, http, $"{name}={Short(json)}", real, true, WithRaw(op, name, json)) with { Field = name };
                }
            }
            if (maybe is null) continue;
            var candidates = new List<string> { "null" };
            if (kind is "integer" or "number") candidates.AddRange(MaybeNumbers);
            if (kind == "string") candidates.AddRange(OddStrings.Where(o => !o.Refused).Select(o => o.Json));
            if (kind == "array") candidates.AddRange(["[]", "[null]", $"[{string.Join(',', Enumerable.Repeat("{}", 2000))}]"]);
            // Every "may be fine" value once in a while, not each on each field: a seeded sample keeps the run short.
            foreach (var value in candidates.Where(_ => random.Next(3) == 0).Prepend(candidates[random.Next(candidates.Count)]).Distinct())
            {
                if (Spoilt(op, name, _ => { }, value) is { } body) yield return New(op, http, $"{name}={Short(value)}", maybe, false, body);
            }
            if (Spoilt(op, name, b => b.Remove(name)) is { } without) yield return New(op, http, $"without {name}", maybe, false, without);
        }
    }

    private IEnumerable<Probe> KeyProbes(Surface.Op op, HttpClient http)
    {
        var real = world.Fill(op);
        yield return New(op, http, "no Idempotency-Key", real, true, BodyText(op)) with { IdempotencyKey = null };
        yield return New(op, http, "Idempotency-Key of 201 characters", real, true, BodyText(op)) with { IdempotencyKey = new string('k', 201) };
        yield return New(op, http, "blank Idempotency-Key", real, true, BodyText(op)) with { IdempotencyKey = "   " };
        if (op.ToString() == "POST /api/settlement/wallet/deposits")
            yield return New(op, http, "the world's deposit key with another amount", real, true,
                $$"""{"amount": {{world.DepositAmount + 1}}, "currency": "CNY"}""") with { IdempotencyKey = world.DepositKey };
    }

    /// <summary>Pairs sent one after the other: a key used once, then again with another body (to an id that does not exist).</summary>
    public IEnumerable<(Probe First, Probe Replay)> Replays(Surface surface)
    {
        foreach (var op in surface.Operations.Where(o => o.TakesIdempotencyKey && o.InPath.Any()))
        {
            var http = Caller(op);
            var path = world.Fill(op, invent: true);
            var key = Guid.NewGuid().ToString();
            var first = New(op, http, "a key's first use", path, false, BodyText(op)) with { IdempotencyKey = key };
            var replay = New(op, http, "the key again with another body", path, false, With(op, b => b["zzzOther"] = 2)) with { IdempotencyKey = key };
            yield return (first, replay);
        }
    }

    /// <summary>
    /// A body sent to a real path made certainly invalid, sparing the field under test: another required field left out,
    /// or (no other required field) another field of the wrong type. Null when the field under test is the only one.
    /// A body sent to a path that does not exist is sent as it is.
    /// </summary>
    private string? Spoilt(Surface.Op op, string tested, Action<JsonObject> change, string? raw = null)
    {
        var node = Body(op);
        change(node);
        if (!op.InPath.Any())
        {
            if (op.BodyRequired.FirstOrDefault(r => r != tested && node.ContainsKey(r)) is { } required) node.Remove(required);
            else if (op.BodyProperties.Keys.FirstOrDefault(p => p != tested && node.ContainsKey(p)) is { } other)
                node[other] = Surface.Kind(op.BodyProperties[other]) == "object" ? JsonValue.Create(1) : new JsonObject { ["wrong"] = "type" };
            else return null;
        }
        return raw is null ? node.ToJsonString() : Raw(node, tested, raw);
    }

    private string With(Surface.Op op, Action<JsonObject> change)
    {
        var body = Body(op);
        change(body);
        return body.ToJsonString();
    }

    /// <summary>The body with one field's JSON text replaced verbatim (numbers beyond any .NET type, escapes as written).</summary>
    private string WithRaw(Surface.Op op, string name, string json) => Raw(Body(op), name, json);

    private static string Raw(JsonObject body, string name, string json)
    {
        body[name] = "\u0001MARK\u0001";
        return body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .Replace("\"\\u0001MARK\\u0001\"", json);
    }

    private static IEnumerable<string> WrongTypes(string kind, JsonElement schema) => kind switch
    {
        "string" => Surface.Format(schema) switch
        {
            "uuid" => ["123", "true", "[]", "{}", "\"not-a-uuid\""],
            "date-time" or "date" => ["true", "[]", "{}", "\"soon\"", "\"2026-13-45T99:00:00Z\""],
            _ => Surface.Enum(schema) is { Length: > 0 } ? ["123", "[]", "{}", "\"no-such-value\""] : ["123", "true", "[]", "{}"],
        },
        "integer" => ["\"abc\"", "true", "[]", "{}", "1.5"],
        "number" => ["\"abc\"", "true", "[]", "{}"],
        "boolean" => ["\"yes\"", "1", "[]", "{}"],
        "array" => ["\"x\"", "1", "{}", "true"],
        _ => ["\"x\"", "1", "[]", "true"],
    };

    private static string Short(string text)
    {
        var shown = text.Length > 24 ? $"{text[..12]}...({text.Length})" : text;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
