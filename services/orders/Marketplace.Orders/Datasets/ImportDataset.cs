using Marketplace.ServiceDefaults.Content;
using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;
using NpgsqlTypes;
using Marketplace.Orders.Domain;
using Microsoft.Extensions.Options;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// Validates a completed upload row by row (progress visible on the upload), then imports every row with binary COPY in
/// one transaction: all or nothing. A file with any bad row is rejected whole, with its first bad rows and line numbers.
/// Memory stays flat: rows stream from the store; only the digests of ids (for duplicates) and of the order's uploaded
/// file names (for content:// links, loaded once) grow with the dataset. It runs in the long jobs' queue (it can take
/// minutes), and one run at a time per upload: a second fetch of the job finds the upload held and leaves it.
/// </summary>
[Hangfire.AutomaticRetry(Attempts = 2)]
[Hangfire.Queue(JobQueues.Long)]
public sealed class ImportDataset(NpgsqlDataSource db, IContentStore store, IOptions<DatasetLimits> limits, ILogger<ImportDataset> logger)
    : IJob<ImportDataset.Payload>
{
    public const string Name = "dataset-import";
    public const int ErrorsShown = 20;
    private const int ProgressEvery = 20_000;

    public sealed record Payload(Guid UploadId);

    private sealed class Target
    {
        public Guid OrderId { get; init; }
        public string Format { get; init; } = "";
        public string TaskType { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public bool MultiLabel { get; init; }
        public string CriteriaJson { get; init; } = "[]";
        public long ReceivedBytes { get; init; }
    }

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        var uploadId = payload.UploadId;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var held = await JobLock.TryTakeAsync(connection, $"{Name}:{uploadId}", ct);
        if (held is null)
        {
            logger.LogWarning("Upload {UploadId} is being imported by another run; this one leaves it", uploadId);
            return;
        }
        var status = await connection.ExecuteScalarAsync<string>("SELECT status FROM dataset_uploads WHERE id = @uploadId", new { uploadId });
        if (status is not ("validating" or "importing")) return;
        var target = await connection.QuerySingleAsync<Target>("""
            SELECT u.order_id, u.format, o.task_type, o.labels, o.multi_label, o.criteria::text AS criteria_json, u.received_bytes
            FROM dataset_uploads u JOIN orders o ON o.id = u.order_id WHERE u.id = @uploadId
            """, new { uploadId });
        var criteria = JsonSerializer.Deserialize<List<RubricCriterion>>(target.CriteriaJson, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
        var key = DatasetUploads.Key(uploadId, target.Format);

        var files = await OrderFiles.LoadAsync(connection, target.OrderId, ct);
        var check = new ManifestCheck(new TaskTemplate(target.TaskType, target.Labels, target.MultiLabel, criteria), files);
        var errors = new List<object>();
        long rows = 0;
        await using (var stream = store.OpenRead(key))
        {
            await foreach (var item in ManifestReader.ReadAsync(stream, target.Format, limits.Value, ct))
            {
                rows++;
                var problem = item switch
                {
                    ManifestError e => (e.Line, e.Message),
                    ManifestRow r when check.Check(r) is { } message => (r.Line, message),
                    _ => ((long, string)?)null,
                };
                if (problem is { } p && errors.Count < ErrorsShown) errors.Add(new { line = p.Item1, error = p.Item2 });
                if (rows % ProgressEvery == 0)
                    await connection.ExecuteAsync("UPDATE dataset_uploads SET rows_checked = @rows, updated_at = now() WHERE id = @uploadId", new { rows, uploadId });
            }
        }
        if (rows == 0) errors.Add(new { line = 0L, error = "the file holds no items" });
        if (errors.Count > 0)
        {
            await connection.ExecuteAsync("""
                UPDATE dataset_uploads SET status = 'rejected', rows_checked = @rows, errors = @errors::jsonb, completed_at = now(), updated_at = now()
                WHERE id = @uploadId
                """, new { rows, uploadId, errors = JsonSerializer.Serialize(errors) });
            logger.LogInformation("Upload {UploadId} rejected: {Errors} bad rows shown of {Rows}", uploadId, errors.Count, rows);
            return;
        }
        await connection.ExecuteAsync("UPDATE dataset_uploads SET status = 'importing', rows_checked = @rows, updated_at = now() WHERE id = @uploadId",
            new { rows, uploadId });
        await ImportAsync(connection, uploadId, target, key, check, ct);
    }

    private async Task ImportAsync(NpgsqlConnection connection, Guid uploadId, Target target, string key, ManifestCheck check, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await connection.ExecuteScalarAsync<string>("SELECT status FROM orders WHERE id = @OrderId FOR UPDATE", new { target.OrderId }, tx);
        if (status != "draft")
        {
            await connection.ExecuteAsync("""
                UPDATE dataset_uploads SET status = 'rejected', errors = @errors::jsonb, completed_at = now() WHERE id = @uploadId
                """, new { uploadId, errors = JsonSerializer.Serialize(new[] { new { line = 0, error = $"the order is {status}, no longer a draft" } }) }, tx);
            await tx.CommitAsync(ct);
            return;
        }
        // A new upload replaces the order's items.
        await connection.ExecuteAsync("DELETE FROM order_items WHERE order_id = @OrderId", new { target.OrderId }, tx);
        long position = 0, gold = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY order_items (order_id, item_id, position, content, metadata, predictions, gold) FROM STDIN (FORMAT BINARY)", ct))
        await using (var stream = store.OpenRead(key))
        {
            await foreach (var item in ManifestReader.ReadAsync(stream, target.Format, limits.Value, ct))
            {
                var row = (ManifestRow)item;
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(target.OrderId, NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(row.Id!, NpgsqlDbType.Text, ct);
                await importer.WriteAsync((int)position++, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(row.StoredContent, NpgsqlDbType.Text, ct);
                if (row.MetadataJson is null) await importer.WriteNullAsync(ct); else await importer.WriteAsync(row.MetadataJson, NpgsqlDbType.Jsonb, ct);
                if (check.StoredPredictions(row) is not { } predictions) await importer.WriteNullAsync(ct); else await importer.WriteAsync(predictions, NpgsqlDbType.Jsonb, ct);
                if (row.GoldJson is null) await importer.WriteNullAsync(ct); else { await importer.WriteAsync(row.GoldJson, NpgsqlDbType.Jsonb, ct); gold++; }
            }
            await importer.CompleteAsync(ct);
        }
        // Gold items are not part of the delivery: the order counts its regular items, and pays for the gold slots mixed in.
        await Budget.RecountAsync(tx, target.OrderId, position - gold, gold);
        await connection.ExecuteAsync("""
            UPDATE orders SET dataset_bytes = @ReceivedBytes, updated_at = now() WHERE id = @OrderId;
            UPDATE dataset_uploads SET status = 'imported', rows_imported = @position, completed_at = now(), updated_at = now() WHERE id = @uploadId;
            """, new { position, target.ReceivedBytes, target.OrderId, uploadId }, tx);
        await tx.CommitAsync(ct);
        logger.LogInformation("Upload {UploadId} imported {Rows} items into order {OrderId}", uploadId, position, target.OrderId);
    }
}
