using System.Text.Json;
using Dapper;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// A backend pushes predictions when it has them (after training, say) instead of waiting to be asked: the body is
/// /predict's answer, each prediction naming its item as <c>task</c>. No token: the route is open, and only the
/// backend's signature (the order's secret over the timestamp and the body) lets it in; a stale timestamp or a wrong
/// signature is 401 and changes nothing. Each prediction is read and checked like a polled one.
/// </summary>
public static class PushedPredictions
{
    public const int MaxPredictions = 1000;

    /// <summary>The documented body (the endpoint reads the raw bytes, which the signature covers).</summary>
    public sealed record Body(string? ModelVersion, IReadOnlyList<Prediction>? Results);

    public sealed record Prediction(string? Task, JsonElement Result, decimal? Score, string? ModelVersion);

    public sealed record Refusal(string Task, string Error);

    public sealed record Response(int Saved, IReadOnlyList<Refusal> Refused);

    public static RouteGroupBuilder MapPushedPredictions(this RouteGroupBuilder group)
    {
        group.MapPost("/{orderId:guid}/predictions", Handle).AllowAnonymous()
            .Accepts<Body>("application/json")
            .WithHeader(BackendSignature.TimestampHeader, required: true, "Unix seconds when the backend signed the body (at most 5 minutes old).")
            .WithHeader(BackendSignature.SignatureHeader, required: true, "sha256=<hex HMAC-SHA256 of \"{timestamp}.{body}\" with the backend's secret>.")
            .Produces<Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return group;
    }

    private static IResult Unauthorized(string detail) => TypedResults.Problem(title: "Unauthorized", detail: detail,
        statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "model_backend.signature" });

    private static async Task<IResult> Handle(Guid orderId, HttpContext http, NpgsqlDataSource db, BackendSecrets secrets, ModelBackendRounds rounds,
        IOptions<ModelBackendOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
            return TypedResults.Problem(title: "Too large", detail: $"At most {max} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
                return TypedResults.Problem(title: "Too large", detail: $"At most {max} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }
        var body = buffer.ToArray();

        ModelBackendRegistration.Row? backend;
        OrderTerms? order;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            backend = await ModelBackendRegistration.FindAsync(connection, orderId);
            order = backend is null ? null : await OrderTerms.FindAsync(connection, orderId);
        }
        // An order without a backend answers as a wrong signature does: the route tells a stranger nothing.
        if (backend is null || order is null || !secrets.Configured) return Unauthorized("The signature does not match this order's model backend.");
        var why = BackendSignature.Check(secrets.Open(backend.SecretSealed, orderId), http.Request.Headers[BackendSignature.TimestampHeader],
            http.Request.Headers[BackendSignature.SignatureHeader], body, clock.GetUtcNow());
        if (why is not null) return Unauthorized(why);

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problems.BadRequest("body", "The body must be JSON: {\"results\": [{\"task\": \"<item id>\", \"result\": [...], \"score\": 0.9}]}.", "request.malformed");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            return Problems.BadRequest("results", "'results' must be a list of predictions.");
        if (results.GetArrayLength() is 0 or > MaxPredictions)
            return Problems.BadRequest("results", $"'results' must hold 1 to {MaxPredictions} predictions.", "validation.out_of_range");

        var template = order.Template();
        var tasks = new List<(string ItemId, JsonElement Prediction)>();
        var refused = new List<Refusal>();
        foreach (var prediction in results.EnumerateArray())
        {
            var task = prediction.ValueKind == JsonValueKind.Object && prediction.TryGetProperty("task", out var t)
                ? t.ValueKind switch { JsonValueKind.String => t.GetString(), JsonValueKind.Number => t.GetRawText(), _ => null } : null;
            if (string.IsNullOrEmpty(task) || task.Length > 200) refused.Add(new Refusal(task ?? "", "each prediction names its item as 'task'"));
            else tasks.Add((task, prediction));
        }
        Dictionary<string, string> contents;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            contents = (await connection.QueryAsync<(string ItemId, string Content)>("""
                SELECT DISTINCT ON (item_id) item_id, content FROM assignments WHERE order_id = @orderId AND item_id = ANY(@ids) ORDER BY item_id
                """, new { orderId, ids = tasks.Select(t => t.ItemId).Distinct().ToArray() })).ToDictionary(r => r.ItemId, r => r.Content);
        }
        var readings = new List<(string ItemId, LabelStudioShapes.Reading Reading)>();
        foreach (var (itemId, prediction) in tasks.DistinctBy(t => t.ItemId))
        {
            if (!contents.TryGetValue(itemId, out var content)) { refused.Add(new Refusal(itemId, "the order has no such item")); continue; }
            var reading = LabelStudioShapes.Read(template, content, prediction);
            if (reading.Refused is { } error) refused.Add(new Refusal(itemId, error));
            readings.Add((itemId, reading));
        }
        var saved = readings.Count == 0 ? 0
            : await rounds.SaveAsync(orderId, "push", BackendClient.ModelVersionOf(root) ?? backend.ModelVersion ?? "backend", readings, ct);
        return TypedResults.Ok(new Response(saved, refused));
    }
}
