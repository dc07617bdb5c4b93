using System.Data;
using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Marketplace.Labeling.Delivery;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Features;
using Npgsql;

namespace Marketplace.Tasks.Jobs;

/// <summary>
/// Writes one delivery export into the content store: the order's aggregated labels streamed row by row from one
/// snapshot (REPEATABLE READ, so a re-aggregation meanwhile cannot mix two rounds into one file) through a JSON writer
/// into the store, never holding the file in memory. Rows written are recorded as it goes (every 5,000 rows), so a big
/// export shows progress. A rerun (retry after a crash) rewrites the whole file; the store swaps it in at the end.
/// </summary>
[Hangfire.AutomaticRetry(Attempts = 0)]
[Hangfire.Queue(JobQueues.Long)]
public sealed class ExportLabels(NpgsqlDataSource db, IContentStore store, ILogger<ExportLabels> logger) : IJob<ExportLabels.Payload>
{
    public const string Name = "export-labels";
    private const int MaxAttempts = 3;
    private const int ProgressEvery = 5_000;

    /// <summary>The size given to an image whose pixels are unknown (a link outside the platform): its boxes are then
    /// fractions of the image (see docs/decisions.md). Uploaded images carry their real size from orders.</summary>
    public const int UnknownImageSize = 1;

    public sealed record Payload(Guid ExportId);

    public static Task<long?> EnqueueAsync(NpgsqlTransaction tx, Guid exportId) =>
        JobIntents.EnqueueAsync<ExportLabels, Payload>(tx, new Payload(exportId), uniqueKey: $"{Name}:{exportId:N}");

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed class LabelRow
    {
        public string ItemId = "";
        public string Content = "";
        public string? Label;
        public decimal? Confidence;
        public string Method = "";
        public int AnswerCount;
        public string Provenance = "[]";
        public int Width = UnknownImageSize;
        public int Height = UnknownImageSize;
    }

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        var exportId = payload.ExportId;
        // One run at a time per export: a second fetch of the job leaves it to the run that holds it.
        await using var lockConnection = await db.OpenConnectionAsync(ct);
        await using var held = await JobLock.TryTakeAsync(lockConnection, $"{Name}:{exportId}", ct);
        if (held is null)
        {
            logger.LogWarning("Export {ExportId} is being written by another run; this one leaves it", exportId);
            return;
        }
        LabelExports.ExportRow? export;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            export = await connection.QuerySingleOrDefaultAsync<LabelExports.ExportRow>(
                $"SELECT {LabelExports.Columns} FROM label_exports WHERE id = @exportId", new { exportId });
            if (export is null || export.Status == "ready") return; // a failed export runs again when an operator retries its job
            await connection.ExecuteAsync("""
                UPDATE label_exports SET status = 'running', started_at = coalesce(started_at, now()), rows_written = 0, error = NULL WHERE id = @exportId
                """, new { exportId });
        }
        // Tried here rather than by Hangfire's retries, so that the last failure can mark the export failed for the
        // enterprise (the job then shows as failed on the dashboard, where an operator can retry it).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(export, ct);
                return;
            }
            catch (Exception e) when (attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Export {ExportId} attempt {Attempt} failed; trying again", exportId, attempt);
                await Task.Delay(TimeSpan.FromSeconds(2 * attempt), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
                await connection.ExecuteAsync("UPDATE label_exports SET status = 'failed', error = @message, finished_at = now() WHERE id = @exportId",
                    new { exportId, message = e.Message });
                throw;
            }
        }
    }

    private async Task WriteAsync(LabelExports.ExportRow export, CancellationToken ct)
    {
        await using var source = await db.OpenConnectionAsync(ct);
        await using var snapshot = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var order = await OrderTerms.FindAsync(source, export.OrderId, snapshot) ?? throw new InvalidOperationException($"Order {export.OrderId} is unknown");
        var template = order.Template();
        var total = await source.ExecuteScalarAsync<long>("SELECT count(*) FROM item_labels WHERE order_id = @OrderId", export, snapshot);
        await using (var progress = await db.OpenConnectionAsync(ct))
            await progress.ExecuteAsync("UPDATE label_exports SET total_rows = @total WHERE id = @Id", new { total, export.Id });

        long written = 0;
        async Task CountAsync()
        {
            if (++written % ProgressEvery != 0) return;
            await using var progress = await db.OpenConnectionAsync(ct);
            await progress.ExecuteAsync("UPDATE label_exports SET rows_written = @written WHERE id = @Id", new { written, export.Id });
        }

        await store.WriteAsync(export.StorageKey, async file =>
        {
            await using var w = new Utf8JsonWriter(file, WriterOptions);
            switch (export.Format)
            {
                case "jsonl":
                    var newline = "\n"u8.ToArray();
                    await foreach (var row in RowsAsync(source, snapshot, export.OrderId, ct))
                    {
                        WriteJsonLine(w, row);
                        await w.FlushAsync(ct);
                        w.Reset();
                        await file.WriteAsync(newline, ct);
                        await CountAsync();
                    }
                    break;
                case "coco":
                    w.WriteStartObject();
                    w.WriteStartObject("info");
                    w.WriteString("description", $"Marketplace order {export.OrderId:D}: aggregated bounding boxes");
                    w.WriteString("date_created", DateTimeOffset.UtcNow.ToString("O"));
                    w.WriteString("coordinates", "bbox values are pixels of the image as shown (a JPEG's EXIF orientation applied); " +
                        "an image of unknown size (a link outside the platform) has width and height 1, so its bbox values are fractions of it");
                    w.WriteEndObject();
                    w.WriteStartArray("licenses");
                    w.WriteEndArray();
                    CocoDataset.WriteCategories(w, template.Labels);
                    // Images, then annotations: two passes over the same snapshot, numbering images the same way both times.
                    w.WriteStartArray("images");
                    long imageId = 0;
                    await foreach (var row in RowsAsync(source, snapshot, export.OrderId, ct, withImageSizes: true))
                    {
                        CocoDataset.WriteImage(w, ++imageId, row.ItemId, row.Content, row.Width, row.Height);
                        if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("annotations");
                    long annotationId = 1;
                    imageId = 0;
                    await foreach (var row in RowsAsync(source, snapshot, export.OrderId, ct, withImageSizes: true))
                    {
                        imageId++;
                        if (row.Label is not null)
                        {
                            using var label = JsonDocument.Parse(row.Label);
                            CocoDataset.WriteAnnotations(w, ref annotationId, imageId, label.RootElement, template.Labels, row.Width, row.Height);
                        }
                        if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
                        await CountAsync();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartArray();
                    long taskId = 0;
                    await foreach (var row in RowsAsync(source, snapshot, export.OrderId, ct))
                    {
                        using var label = row.Label is null ? null : JsonDocument.Parse(row.Label);
                        using var provenance = JsonDocument.Parse(row.Provenance);
                        var answers = provenance.RootElement.EnumerateArray().Select(a => new ContributingAnswer(
                            a.GetProperty("assignmentId").GetGuid(), a.GetProperty("workerId").GetGuid(), a.GetProperty("answer"))).ToList();
                        LabelStudioTasks.WriteTask(w, template, ++taskId, new DeliveredItem(row.ItemId, row.Content, label?.RootElement,
                            row.Confidence is { } c ? (double)c : null, row.Method, answers));
                        if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
                        await CountAsync();
                    }
                    w.WriteEndArray();
                    break;
            }
            await w.FlushAsync(ct);
        }, ct);
        await snapshot.CommitAsync(ct);

        var bytes = await store.LengthAsync(export.StorageKey, ct);
        await using var done = await db.OpenConnectionAsync(ct);
        await done.ExecuteAsync("""
            UPDATE label_exports SET status = 'ready', rows_written = @written, bytes = @bytes, finished_at = now() WHERE id = @Id
            """, new { written, bytes, export.Id });
        logger.LogInformation("Export {ExportId} of order {OrderId} ({Format}): {Rows} rows, {Bytes} bytes", export.Id, export.OrderId,
            export.Format, written, bytes);
    }

    /// <summary>One line: the item, its label, confidence and method, and every approved answer with its worker.</summary>
    private static void WriteJsonLine(Utf8JsonWriter w, LabelRow row)
    {
        w.WriteStartObject();
        w.WriteString("id", row.ItemId);
        w.WriteString("content", row.Content);
        w.WritePropertyName("label");
        if (row.Label is null) w.WriteNullValue(); else w.WriteRawValue(row.Label, skipInputValidation: true);
        if (row.Confidence is { } c) w.WriteNumber("confidence", c); else w.WriteNull("confidence");
        w.WriteString("method", row.Method);
        w.WriteNumber("answerCount", row.AnswerCount);
        w.WritePropertyName("answers");
        w.WriteRawValue(row.Provenance, skipInputValidation: true);
        w.WriteEndObject();
    }

    /// <summary>The order's labels by item id; <paramref name="withImageSizes"/> adds each image's size, kept on its slots
    /// (one index probe per item, so only COCO asks).</summary>
    private static async IAsyncEnumerable<LabelRow> RowsAsync(NpgsqlConnection connection, NpgsqlTransaction snapshot, Guid orderId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct, bool withImageSizes = false)
    {
        await using var command = new NpgsqlCommand(withImageSizes
            ? """
              SELECT l.item_id, l.content, l.label::text, l.confidence, l.method, l.answer_count, l.provenance::text, s.image_width, s.image_height
              FROM item_labels l
              LEFT JOIN LATERAL (SELECT a.image_width, a.image_height FROM assignments a
                                 WHERE a.order_id = l.order_id AND a.item_id = l.item_id AND a.image_width IS NOT NULL
                                 LIMIT 1) s ON true
              WHERE l.order_id = @orderId ORDER BY l.item_id
              """
            : """
              SELECT item_id, content, label::text, confidence, method, answer_count, provenance::text
              FROM item_labels WHERE order_id = @orderId ORDER BY item_id
              """, connection, snapshot) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("orderId", orderId);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new LabelRow
            {
                ItemId = reader.GetString(0),
                Content = reader.GetString(1),
                Label = reader.IsDBNull(2) ? null : reader.GetString(2),
                Confidence = reader.IsDBNull(3) ? null : reader.GetDecimal(3),
                Method = reader.GetString(4),
                AnswerCount = reader.GetInt32(5),
                Provenance = reader.GetString(6),
                Width = withImageSizes && !reader.IsDBNull(7) ? reader.GetInt32(7) : UnknownImageSize,
                Height = withImageSizes && !reader.IsDBNull(8) ? reader.GetInt32(8) : UnknownImageSize,
            };
        }
    }
}
