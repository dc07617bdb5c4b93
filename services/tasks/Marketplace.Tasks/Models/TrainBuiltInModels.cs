using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Marketplace.Modeling;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Models;

/// <summary>
/// The built-in model's schedule: every <see cref="BuiltInModelOptions.TrainingInterval"/> the open orders that chose it
/// are looked at, the longest unattended first. Per order (one run at a time, <see cref="JobLock"/>): new images are
/// featurised once; the examples (<see cref="TrainingExamples"/>) are counted; when there are enough, and enough more than
/// at the last training, a version is trained outside any transaction, measured on held-out labels, kept, and, when at
/// least as accurate on them as the current version, predicts every item with a slot nobody has claimed, in batches
/// through <see cref="ModelPredictions.SaveAsync"/>. Claims and submits never wait for any of it: every transaction here
/// is a few rows or one batch. A training that fails or outlasts its time is recorded on the order and the sweep goes on.
/// </summary>
[Hangfire.Queue(JobQueues.Long)]
public sealed class TrainBuiltInModels(NpgsqlDataSource db, ItemImages images, IOptions<BuiltInModelOptions> options,
    IOptions<TasksOptions> tasksOptions, ILogger<TrainBuiltInModels> logger) : IRecurringJob
{
    public const string Name = "train-builtin-models";
    private const int PredictBatch = 500;

    private sealed class Due
    {
        public Guid OrderId { get; init; }
        public string TaskType { get; init; } = "";
        public string State { get; init; } = "";
        public int ExamplesTrained { get; init; }
        public int? CurrentVersion { get; init; }
        public DateTime? AttemptedAt { get; init; }
        public int LabelCount { get; init; }
        public decimal HeldOutShare { get; init; }
    }

    /// <summary>Which examples the order's model reads (<see cref="TrainingExamples"/>).</summary>
    private sealed record Teacher(bool Images, int LabelCount, bool Provisional, int LeastGold);

    public async Task RunAsync(CancellationToken ct)
    {
        List<Due> orders;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            orders = (await connection.QueryAsync<Due>("""
                SELECT b.order_id, o.task_type, b.state, b.examples_trained, b.current_version, b.attempted_at
                FROM builtin_models b
                JOIN order_models m ON m.order_id = b.order_id AND m.source = 'builtin'
                JOIN task_orders o ON o.order_id = b.order_id
                WHERE o.completed_at IS NULL AND o.cancelled_at IS NULL
                ORDER BY b.attempted_at NULLS FIRST, b.order_id
                LIMIT @OrdersPerSweep
                """, new { options.Value.OrdersPerSweep })).AsList();
        }
        ImageFeaturizer? featurizer = null;
        try
        {
            foreach (var order in orders)
            {
                try
                {
                    var isImage = order.TaskType == TaskTypes.ImageClassification;
                    if (isImage) featurizer ??= new ImageFeaturizer();
                    await ServeAsync(order.OrderId, isImage ? featurizer : null, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Built-in model of order {OrderId} failed", order.OrderId);
                    await RecordAsync(order.OrderId, "failed", ModelReason.Error(e), ct);
                }
            }
        }
        finally
        {
            featurizer?.Dispose();
        }
    }


    /// <param name="featurizer">for an image order; null for a text order.</param>
    private async Task ServeAsync(Guid orderId, ImageFeaturizer? featurizer, CancellationToken ct)
    {
        await using var lockConnection = await db.OpenConnectionAsync(ct);
        await using var held = await JobLock.TryTakeAsync(lockConnection, $"{Name}:{orderId}", ct);
        if (held is null) return;
        var isImage = featurizer is not null;
        if (isImage) await FeaturizeAsync(orderId, featurizer!, ct);

        var settings = options.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        // Read again under the lock: a sweep that listed the order before another run trained it must see that training.
        var order = await connection.QuerySingleOrDefaultAsync<Due>("""
            SELECT b.order_id, b.state, b.examples_trained, b.current_version, b.attempted_at, cardinality(o.labels) AS label_count, b.held_out_share
            FROM builtin_models b JOIN order_models m ON m.order_id = b.order_id AND m.source = 'builtin'
            JOIN task_orders o ON o.order_id = b.order_id
            WHERE b.order_id = @orderId
            """, new { orderId });
        if (order is null) return; // turned off meanwhile
        var kind = isImage ? ModelKind.Image : ModelKind.Text;
        var teacher = new Teacher(isImage, order.LabelCount, settings.Training.ProvisionalFor(kind), tasksOptions.Value.GoldMinimumAnswers);
        var counts = await TrainingExamples.CountAsync(connection, order.OrderId, isImage, teacher.LabelCount, teacher.Provisional, teacher.LeastGold);
        var (usable, weighted) = (counts.Accepted, counts.Weighted);
        await connection.ExecuteAsync("UPDATE builtin_models SET examples = @usable WHERE order_id = @OrderId", new { usable, order.OrderId });
        if (usable < settings.MinimumExamples)
        {
            if (counts.Unreadable > 0)
                await RecordAsync(order.OrderId, "failed", ModelReason.ImagesUnreadable(counts.Unreadable, usable, settings.MinimumExamples,
                    await TrainingExamples.FirstUnreadableAsync(connection, order.OrderId, teacher.LabelCount, teacher.Provisional, teacher.LeastGold)), ct);
            else if (order.CurrentVersion is null)
                await RecordAsync(order.OrderId, "waiting", ModelReason.Waiting(usable, settings.MinimumExamples), ct);
            return;
        }
        // Grown: the accepted labels with the provisional ones' weights (a provisional label that is settled later counts more).
        var grown = order.ExamplesTrained == 0 || weighted >= order.ExamplesTrained + settings.RetrainExamples
            || weighted > order.ExamplesTrained && weighted >= order.ExamplesTrained * (1 + settings.RetrainGrowth);
        // A run that died mid-training left 'training' behind (this run holds the order's lock, so none is under way).
        var retry = order.State == "failed" && order.AttemptedAt < DateTime.UtcNow - settings.RetryFailedAfter || order.State == "training";
        if (grown || retry) await TrainAsync(order, teacher, weighted, connection, ct);
        await PredictOpenItemsAsync(order.OrderId, isImage, connection, ct);
    }

    private async Task TrainAsync(Due order, Teacher teacher, int usable, NpgsqlConnection connection, CancellationToken ct)
    {
        var isImage = teacher.Images;
        await connection.ExecuteAsync("""
            UPDATE builtin_models SET state = 'training', reason = NULL, reason_code = NULL, reason_params = NULL, attempted_at = now(), examples_trained = @usable, changed_at = now()
            WHERE order_id = @OrderId
            """, new { usable, order.OrderId });
        var rows = await TrainingExamples.ReadAsync(connection, order.OrderId, isImage, teacher.LabelCount, teacher.Provisional, teacher.LeastGold);
        var kind = isImage ? ModelKind.Image : ModelKind.Text;
        var examples = rows.Select(r => new Example(r.ItemId, r.Label, isImage ? null : r.Content, r.Features, r.Weight, r.Provisional, r.Known, r.Certainty ?? 1)).ToList();
        var currentModel = order.CurrentVersion is { } currentVersion
            ? await connection.QuerySingleOrDefaultAsync<byte[]>("SELECT model FROM model_versions WHERE order_id = @OrderId AND version = @currentVersion",
                new { order.OrderId, currentVersion })
            : null;
        var rules = options.Value.Training with { HeldOutShare = (double)order.HeldOutShare };
        var clock = Stopwatch.StartNew();
        // Trained and then compared with the current version on the new one's held-out labels, outside any transaction.
        var training = Task.Run(() =>
        {
            var trained = Classifier.Train(kind, examples, rules);
            var comparison = Adoption.Compare(trained.Classifier, currentModel is null ? null : Classifier.Load(currentModel), HeldOut.Split(examples, rules).Test);
            return (trained.Classifier, trained.Measures, Comparison: comparison);
        }, ct);
        if (await Task.WhenAny(training, Task.Delay(options.Value.TrainingTimeout, ct)) != training)
        {
            await RecordAsync(order.OrderId, "failed", ModelReason.Timeout(options.Value.TrainingTimeout), ct);
            return;
        }
        (Classifier Classifier, TrainingMeasures Measures, VersionComparison Comparison) trained;
        try
        {
            trained = await training;
        }
        catch (NotEnoughExamplesException e)
        {
            await RecordAsync(order.OrderId, order.CurrentVersion is null ? "waiting" : "ready", ModelReason.NotEnough(e), ct);
            return;
        }
        var seconds = Math.Round((decimal)clock.Elapsed.TotalSeconds, 3);
        var model = trained.Classifier.Save();
        await using var tx = await connection.BeginTransactionAsync(ct);
        var accuracy = Math.Round((decimal)trained.Measures.HeldOutAccuracy, 5);
        var comparison = trained.Comparison;
        // The version that was current when this one was compared with it is still current (this run holds the order's lock).
        var adopted = comparison.Adopt;
        var version = await connection.ExecuteScalarAsync<int>(
            "SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE order_id = @OrderId", new { order.OrderId }, tx);
        var notAdopted = adopted ? null : ModelReason.NotAdopted(version, comparison);
        await connection.ExecuteAsync("""
            INSERT INTO model_versions (order_id, version, model_version, kind, training_examples, held_out_examples, held_out_accuracy,
                                        calibration_error, adopted, training_seconds, model)
            VALUES (@OrderId, @version, @modelVersion, @kind, @TrainingExamples, @HeldOutExamples, @accuracy, @calibrationError, @adopted, @seconds, @model);
            UPDATE builtin_models
            SET state = 'ready', reason = @Text, reason_code = @Code, reason_params = @Params::jsonb,
                current_version = CASE WHEN @adopted THEN @version ELSE current_version END, changed_at = now()
            WHERE order_id = @OrderId;
            """, new
        {
            order.OrderId, version, modelVersion = $"builtin-{(isImage ? "image" : "text")}-v{version}", kind = isImage ? "image" : "text",
            trained.Measures.TrainingExamples, trained.Measures.HeldOutExamples, accuracy,
            calibrationError = Math.Round((decimal)Math.Min(1, trained.Measures.CalibrationError), 5), adopted, seconds, model,
            Text = notAdopted?.Text, Code = notAdopted?.Code, Params = notAdopted?.Params,
        }, tx);
        await tx.CommitAsync(ct);
        logger.LogInformation("Built-in model v{Version} of order {OrderId}: {Examples} examples, held-out accuracy {Accuracy}, adopted {Adopted}, {Seconds} s",
            version, order.OrderId, usable, accuracy, adopted, seconds);
    }

    private sealed class CurrentVersion
    {
        public int Version { get; init; }
        public string ModelVersion { get; init; } = "";
    }

    private sealed class OpenItem
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public float[]? Features { get; init; }
    }

    /// <summary>
    /// The current version's predictions for items with a slot nobody has claimed whose pre-label is not already this
    /// version's (new slots, images featurised since, a new version): a page of items at a time, each page saved in its own
    /// short transaction.
    /// </summary>
    private async Task PredictOpenItemsAsync(Guid orderId, bool isImage, NpgsqlConnection connection, CancellationToken ct)
    {
        var current = await connection.QuerySingleOrDefaultAsync<CurrentVersion>("""
            SELECT v.version, v.model_version FROM builtin_models b JOIN model_versions v ON v.order_id = b.order_id AND v.version = b.current_version
            WHERE b.order_id = @orderId
            """, new { orderId });
        if (current is null) return;
        Classifier? classifier = null;
        var after = "";
        var predicted = 0;
        while (true)
        {
            var page = (await connection.QueryAsync<OpenItem>($"""
                SELECT DISTINCT ON (a.item_id) a.item_id, a.content, {(isImage ? "f.features" : "NULL::real[] AS features")}
                FROM assignments a
                {(isImage ? "JOIN item_image_features f ON f.order_id = a.order_id AND f.item_id = a.item_id AND f.features IS NOT NULL" : "")}
                WHERE a.order_id = @orderId AND a.status = 'open' AND NOT a.prelabel_planted AND a.item_id > @after
                  AND (a.prelabel IS NULL OR a.prelabel->>'modelVersion' IS DISTINCT FROM @modelVersion)
                ORDER BY a.item_id
                LIMIT @PredictBatch
                """, new { orderId, after, current.ModelVersion, PredictBatch })).AsList();
            if (page.Count == 0) break;
            classifier ??= Classifier.Load(await connection.QuerySingleAsync<byte[]>(
                "SELECT model FROM model_versions WHERE order_id = @orderId AND version = @Version", new { orderId, current.Version }));
            var predictions = classifier.Predict(page.Select(i => new Unlabeled(i.ItemId, isImage ? null : i.Content, i.Features)))
                .Select(p => new ItemPrediction(p.ItemId, JsonSerializer.Serialize(p.Label), Math.Round((decimal)p.Confidence, 5)))
                .ToList();
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                // Turned off meanwhile (the choice's row is shared-locked, so turning it off waits for this batch): stop.
                if (!await connection.ExecuteScalarAsync<bool>(
                        "SELECT EXISTS (SELECT 1 FROM order_models WHERE order_id = @orderId AND source = 'builtin' FOR SHARE)", new { orderId }, tx))
                    return;
                await ModelPredictions.SaveAsync(tx, orderId, ModelPredictions.BuiltIn, current.ModelVersion, predictions);
                await tx.CommitAsync(ct);
            }
            predicted += predictions.Count;
            after = page[^1].ItemId;
            if (page.Count < PredictBatch) break;
        }
        if (predicted > 0)
            await connection.ExecuteAsync("""
                UPDATE model_versions SET items_predicted = items_predicted + @predicted WHERE order_id = @orderId AND version = @Version
                """, new { orderId, predicted, current.Version });
    }

    /// <summary>Each of the order's images without features yet, fetched and featurised once (a failure is kept too, with why).</summary>
    private async Task FeaturizeAsync(Guid orderId, ImageFeaturizer featurizer, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var missing = (await connection.QueryAsync<(string ItemId, string Content)>("""
            SELECT DISTINCT ON (a.item_id) a.item_id, a.content FROM assignments a
            WHERE a.order_id = @orderId
              AND NOT EXISTS (SELECT 1 FROM item_image_features f WHERE f.order_id = a.order_id AND f.item_id = a.item_id)
            ORDER BY a.item_id
            LIMIT @ImagesPerSweep
            """, new { orderId, options.Value.ImagesPerSweep })).AsList();
        foreach (var (itemId, content) in missing)
        {
            float[]? features = null;
            string? failure = null;
            try
            {
                features = featurizer.Featurize(await images.FetchAsync(content, ct));
            }
            catch (Exception e) when (e is ImageNotFetchedException { Permanent: false } or HttpRequestException
                                          || e is TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The content store is unreachable, slow or failing: nothing is kept, the next sweep asks again.
                logger.LogWarning("Image of item {ItemId} in order {OrderId} not fetched: {Reason}", itemId, orderId, e.Message);
                continue;
            }
            catch (Exception e) when (e is ImageNotFetchedException or ImageNotReadableException)
            {
                failure = e.Message.Length > 500 ? e.Message[..500] : e.Message;
            }
            await connection.ExecuteAsync("""
                INSERT INTO item_image_features (order_id, item_id, features, failure) VALUES (@orderId, @itemId, @features, @failure)
                ON CONFLICT (order_id, item_id) DO NOTHING
                """, new { orderId, itemId, features, failure });
        }
    }

    private async Task RecordAsync(Guid orderId, string state, ModelReason reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync("""
            UPDATE builtin_models SET state = @state, reason = left(@Text, 1000), reason_code = @Code, reason_params = @Params::jsonb, changed_at = now()
            WHERE order_id = @orderId
            """, new { orderId, state, reason.Text, reason.Code, reason.Params });
    }
}
