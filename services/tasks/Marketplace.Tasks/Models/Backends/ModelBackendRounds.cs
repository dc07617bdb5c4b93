using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// Calls every due model backend: one /predict batch of the order's items it has not answered yet (items with an open
/// slot), saved through <see cref="ModelPredictions.SaveAsync"/>, and one batch of accepted labels (gold answers and
/// aggregated labels) sent to /webhook as ANNOTATION_CREATED events, each once. Nothing is held while a backend is
/// called but the backend's advisory lock (so two runs never call one backend at once); a failure (timeout, 5xx, not
/// JSON, a wrong shape, a label the order does not have) is recorded and pushes the next call back, doubling up to
/// MaxBackoff, and after FailuresToOpenCircuit in a row the circuit opens for CircuitOpenFor. Claims and submits never
/// wait for any of it.
/// </summary>
[Hangfire.Queue(JobQueues.Long)]
public sealed class ModelBackendRounds(NpgsqlDataSource db, BackendClient client, BackendSecrets secrets, ContentLinks links,
    IOptions<ModelBackendOptions> options, TimeProvider clock, ILogger<ModelBackendRounds> logger) : IRecurringJob
{
    public const string Name = "model-backend-rounds";
    private const int BackendsPerRun = 20;
    private ModelBackendOptions Options => options.Value;

    public async Task RunAsync(CancellationToken ct)
    {
        if (!secrets.Configured) return;
        await using var connection = await db.OpenConnectionAsync(ct);
        var due = (await connection.QueryAsync<Guid>(
            "SELECT order_id FROM model_backends WHERE next_call_at <= now() ORDER BY next_call_at LIMIT @BackendsPerRun",
            new { BackendsPerRun })).ToList();
        foreach (var orderId in due)
        {
            await using var held = await JobLock.TryTakeAsync(connection, $"model-backend:{orderId:D}", ct);
            if (held is null) continue;
            try
            {
                await RoundAsync(orderId, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One backend's trouble (or ours with it) must not stop the others' rounds.
                logger.LogWarning(e, "The model backend round of order {OrderId} failed", orderId);
            }
        }
    }

    private sealed class Item
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
    }

    private sealed class Accepted
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public string Label { get; init; } = "";
        public string Source { get; init; } = "";
    }

    public async Task RoundAsync(Guid orderId, CancellationToken ct)
    {
        ModelBackendRegistration.Row? backend;
        OrderTerms? order;
        List<Item> items;
        List<Accepted> accepted;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            backend = await ModelBackendRegistration.FindAsync(connection, orderId);
            order = await OrderTerms.FindAsync(connection, orderId);
            if (backend is null || order is null || backend.NextCallAt > clock.GetUtcNow().UtcDateTime.AddSeconds(1)) return;
            items = await UnansweredAsync(connection, orderId, ct);
            accepted = (await connection.QueryAsync<Accepted>("""
                SELECT item_id, content, label, source FROM (
                    SELECT DISTINCT ON (a.item_id) a.item_id, a.content, a.gold_answer::text AS label, 'gold' AS source
                    FROM assignments a WHERE a.order_id = @orderId AND a.is_gold
                    ORDER BY a.item_id
                ) gold
                WHERE NOT EXISTS (SELECT 1 FROM model_backend_trained t WHERE t.order_id = @orderId AND t.item_id = gold.item_id)
                UNION ALL
                SELECT l.item_id, l.content, l.label::text, 'aggregated'
                FROM item_labels l
                WHERE l.order_id = @orderId AND l.label IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM model_backend_trained t WHERE t.order_id = @orderId AND t.item_id = l.item_id)
                LIMIT @BatchSize
                """, new { orderId, Options.BatchSize })).ToList();
        }
        var secret = secrets.Open(backend.SecretSealed, orderId);
        var template = order.Template();
        var project = LabelStudioShapes.Project(orderId, backend.RegisteredAt);
        // A backend that keeps up gets a few batches a round, so a large order is pre-labeled in minutes, not hours.
        for (var batch = 1; items.Count > 0; batch++)
        {
            if (!await PredictAsync(backend, template, project, secret, items, ct)) return;
            if (items.Count < Options.BatchSize || batch >= MaxPredictBatchesPerRound) break;
            await using var connection = await db.OpenConnectionAsync(ct);
            items = await UnansweredAsync(connection, orderId, ct);
        }
        if (accepted.Count > 0) await TrainAsync(backend, template, project, secret, accepted, ct);
    }

    private const int MaxPredictBatchesPerRound = 8;

    /// <summary>Items with a slot nobody has claimed (not a planted gold slot) that the backend has not answered since it was registered.</summary>
    private async Task<List<Item>> UnansweredAsync(NpgsqlConnection connection, Guid orderId, CancellationToken ct) =>
        (await connection.QueryAsync<Item>(new CommandDefinition("""
            SELECT DISTINCT ON (a.item_id) a.item_id, a.content
            FROM assignments a
            WHERE a.order_id = @orderId AND a.status = 'open' AND NOT a.prelabel_planted
              AND NOT EXISTS (SELECT 1 FROM model_backend_items m WHERE m.order_id = a.order_id AND m.item_id = a.item_id)
            ORDER BY a.item_id
            LIMIT @BatchSize
            """, new { orderId, Options.BatchSize }, cancellationToken: ct))).ToList();

    /// <summary>The item's content for the backend: text as it is, a stored file as an absolute signed link it can fetch.</summary>
    private string ContentFor(string content)
    {
        var link = links.LinkForContent(content, clock.GetUtcNow());
        if (link is null) return content;
        return string.IsNullOrWhiteSpace(Options.PublicBaseUrl) ? link : Options.PublicBaseUrl.TrimEnd('/') + link;
    }

    private async Task<bool> PredictAsync(ModelBackendRegistration.Row backend, TaskTemplate template, string project, string secret,
        List<Item> items, CancellationToken ct)
    {
        var tasks = items.Select(i => LabelStudioShapes.Task(template, i.ItemId, ContentFor(i.Content))).ToList();
        JsonElement answer;
        try
        {
            answer = await client.CallAsync("predict", backend.Url, secret, HttpMethod.Post, "/predict",
                LabelStudioShapes.PredictBody(template, project, tasks), ct);
        }
        catch (BackendCallFailed e)
        {
            await FailedAsync(backend, e.Failure, ct);
            return false;
        }
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
        {
            await FailedAsync(backend, BackendFailure.NoResults(), ct);
            return false;
        }
        if (results.GetArrayLength() != items.Count)
        {
            await FailedAsync(backend, BackendFailure.ResultCount(results.GetArrayLength(), items.Count), ct);
            return false;
        }
        var fallbackVersion = BackendClient.ModelVersionOf(answer) ?? backend.ModelVersion ?? "backend";
        var readings = items.Select((item, i) => (item.ItemId, Reading: LabelStudioShapes.Read(template, item.Content, results[i]))).ToList();
        var refused = readings.Where(r => r.Reading.Refused is not null).ToList();
        await SaveAsync(backend.OrderId, "predict", fallbackVersion, readings, ct);
        if (refused.Count > 0)
        {
            await FailedAsync(backend, BackendFailure.Refused(refused.Count, items.Count, refused[0].ItemId, refused[0].Reading.Refused!), ct);
            return false;
        }
        return true;
    }

    /// <summary>Saves the usable predictions and remembers every answered item (refused ones with why), in one short transaction.</summary>
    public async Task<int> SaveAsync(Guid orderId, string call, string fallbackVersion,
        IReadOnlyList<(string ItemId, LabelStudioShapes.Reading Reading)> readings, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var good = readings.Where(r => r.Reading.Refused is null).ToList();
        foreach (var version in good.GroupBy(r => r.Reading.ModelVersion ?? fallbackVersion))
            await ModelPredictions.SaveAsync(tx, orderId, ModelPredictions.Backend, version.Key,
                version.Select(r => new ItemPrediction(r.ItemId, r.Reading.LabelJson!, r.Reading.Score)).ToList());
        await connection.ExecuteAsync("""
            INSERT INTO model_backend_items (order_id, item_id, refused)
            SELECT @orderId, r.item_id, r.refused FROM unnest(@itemIds::text[], @refusals::text[]) AS r(item_id, refused)
            ON CONFLICT (order_id, item_id) DO UPDATE SET refused = excluded.refused, answered_at = now()
            """, new { orderId, itemIds = readings.Select(r => r.ItemId).ToArray(), refusals = readings.Select(r => r.Reading.Refused).ToArray() }, tx);
        var newest = good.Select(r => r.Reading.ModelVersion).LastOrDefault(v => v is not null) ?? (good.Count > 0 ? fallbackVersion : null);
        await connection.ExecuteAsync("""
            UPDATE model_backends
            SET predictions_saved = predictions_saved + @saved, predictions_refused = predictions_refused + @refused,
                model_version = coalesce(@newest, model_version)
            WHERE order_id = @orderId
            """, new { orderId, saved = (long)good.Count, refused = (long)(readings.Count - good.Count), newest }, tx);
        if (readings.Count == good.Count) await SucceededAsync(connection, tx, orderId, call);
        await tx.CommitAsync(ct);
        return good.Count;
    }

    private async Task TrainAsync(ModelBackendRegistration.Row backend, TaskTemplate template, string project, string secret,
        List<Accepted> accepted, CancellationToken ct)
    {
        var sent = backend.LabelsSent;
        foreach (var label in accepted)
        {
            var task = LabelStudioShapes.Task(template, label.ItemId, ContentFor(label.Content));
            try
            {
                await client.CallAsync("webhook", backend.Url, secret, HttpMethod.Post, "/webhook",
                    LabelStudioShapes.AnnotationCreated(template, project, task, label.Content, label.Label, ++sent), ct);
            }
            catch (BackendCallFailed e)
            {
                await FailedAsync(backend, e.Failure, ct);
                return;
            }
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var first = await connection.ExecuteAsync("""
                INSERT INTO model_backend_trained (order_id, item_id, source) VALUES (@OrderId, @ItemId, @Source) ON CONFLICT DO NOTHING
                """, new { backend.OrderId, label.ItemId, label.Source }, tx);
            if (first == 1) await connection.ExecuteAsync("UPDATE model_backends SET labels_sent = labels_sent + 1 WHERE order_id = @OrderId", new { backend.OrderId }, tx);
            await SucceededAsync(connection, tx, backend.OrderId, "webhook");
            await tx.CommitAsync(ct);
        }
    }

    private static Task SucceededAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid orderId, string call) =>
        connection.ExecuteAsync("""
            UPDATE model_backends
            SET state = 'ready', consecutive_failures = 0, last_call_at = now(), last_call = @call, last_success_at = now()
            WHERE order_id = @orderId
            """, new { orderId, call }, tx);

    /// <summary>Records a failed call and pushes the next one back: BaseBackoff doubling per failure in a row, the circuit open after too many.</summary>
    public async Task FailedAsync(ModelBackendRegistration.Row backend, BackendFailure failure, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Read again: a success earlier in this round has set the count back to 0.
        var inARow = 1 + (await connection.ExecuteScalarAsync<int?>(
            "SELECT consecutive_failures FROM model_backends WHERE order_id = @OrderId FOR UPDATE", new { backend.OrderId }, tx) ?? 0);
        var open = inARow >= Options.FailuresToOpenCircuit;
        var wait = open ? Options.CircuitOpenFor
            : TimeSpan.FromSeconds(Math.Min(Options.MaxBackoff.TotalSeconds, Options.BaseBackoff.TotalSeconds * Math.Pow(2, inARow - 1)));
        await connection.ExecuteAsync("""
            UPDATE model_backends
            SET consecutive_failures = consecutive_failures + 1, failures = failures + 1, last_call_at = now(), last_call = @Call,
                state = @state, next_call_at = now() + make_interval(secs => @seconds)
            WHERE order_id = @orderId;
            INSERT INTO model_backend_failures (order_id, call, error, code, params) SELECT @orderId, @Call, @error, @Code, @Params::jsonb WHERE EXISTS (SELECT 1 FROM model_backends WHERE order_id = @orderId);
            DELETE FROM model_backend_failures WHERE order_id = @orderId
              AND id < (SELECT id FROM model_backend_failures WHERE order_id = @orderId ORDER BY id DESC OFFSET 49 LIMIT 1);
            """, new
        {
            orderId = backend.OrderId, failure.Call, error = failure.Text.Length > 500 ? failure.Text[..500] : failure.Text, failure.Code, failure.Params,
            state = open ? "circuit_open" : "failing", seconds = wait.TotalSeconds,
        }, tx);
        await tx.CommitAsync(ct);
    }
}
