using System.Text.Json;
using Dapper;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Features;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Work;

/// <summary>
/// Hands a funded crowd order's items to tasks by claim check: streams them (in manifest order) into a JSONL work file
/// in the shared content store, then announces OrderReadyForWork naming the file. A million items never travel in a
/// message, and memory stays flat. An uploaded image's pixel size (read at upload) rides along as "width" and "height",
/// a model's pre-label (the manifest's predictions) as "prelabel": {label, modelVersion, score}.
/// Running again rewrites the same file and announces again; tasks splits once.
/// </summary>
[Hangfire.Queue(JobQueues.Long)]
public sealed class PrepareWork(NpgsqlDataSource db, IContentStore store, Outbox outbox, TimeProvider clock) : IJob<PrepareWork.Payload>
{
    public const string Name = "prepare-work";

    public sealed record Payload(Guid OrderId);

    public static string ItemsKey(Guid orderId) => $"work/{orderId:N}/items.jsonl";

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        var orderId = payload.OrderId;
        var key = ItemsKey(orderId);
        var (regular, gold) = await WriteWorkFileAsync(db, store, key, orderId, packageId: null, ct);

        await using var announce = await db.OpenConnectionAsync(ct);
        await using var tx = await announce.BeginTransactionAsync(ct);
        var order = await OrderView.FindAsync(tx.Connection!, orderId, null, tx) ?? throw new InvalidOperationException($"Order {orderId} is unknown");
        if (order.Status != Process.OrderState.InProgress) return; // cancelled meanwhile: nothing to hand over
        await outbox.AddAsync(tx, new OrderReadyForWork(order.Id, order.EnterpriseOrgId, order.TaskType, order.Labels,
            [], order.Overlap, order.UnitPrice, order.WorkerReward, order.PlatformFee, order.Currency,
            order.Deadline, clock.GetUtcNow(), order.MultiLabel, order.Criteria, order.DataGrade, order.SuiteSize, order.LeaseSeconds,
            key, regular, order.Industry, order.PersonalInformation, order.RequiredQualifications, order.RequiredAccuracy,
            order.GoldShare, order.ConfidenceBar, order.OverlapCap, gold, order.GoldSlots, order.AutoApproveSeconds, order.Terms));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Streams the order's items (or, with <paramref name="packageId"/>, a work package's) into a JSONL work file:
    /// gold first, then the regular items in manifest order.
    /// </summary>
    /// <returns>How many regular and gold items the file holds.</returns>
    public static async Task<(int Regular, int Gold)> WriteWorkFileAsync(NpgsqlDataSource db, IContentStore store, string key, Guid orderId,
        Guid? packageId, CancellationToken ct)
    {
        int regular = 0, gold = 0;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await store.WriteAsync(key, async file =>
            {
                await using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                var newline = "\n"u8.ToArray();
                // Gold first: tasks holds the (few) gold items in memory and mixes their slots into the stream of regular ones.
                // An uploaded image's pixel size goes with its item (the import checked that the link names a file of this order).
                await using var reader = await new NpgsqlCommand("""
                    SELECT i.item_id, i.content, i.gold::text, f.width, f.height, i.predictions::text
                    FROM order_items i
                    LEFT JOIN content_files f
                      ON f.order_id = i.order_id AND f.name = substring(btrim(i.content, E' \t\r\n') FROM '(?i)^content://[^/]+/(.+)$')
                    WHERE i.order_id = @orderId
                      AND (@packageId::uuid IS NULL OR EXISTS (SELECT 1 FROM work_package_items w WHERE w.package_id = @packageId AND w.item_id = i.item_id))
                    ORDER BY i.gold IS NULL, i.position
                    """, connection)
                    { Parameters = { new("orderId", orderId), new("packageId", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)packageId ?? DBNull.Value } }, CommandTimeout = 0 }.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", reader.GetString(0));
                    writer.WriteString("content", reader.GetString(1));
                    if (!reader.IsDBNull(3))
                    {
                        writer.WriteNumber("width", reader.GetInt32(3));
                        writer.WriteNumber("height", reader.GetInt32(4));
                    }
                    // A model's pre-label goes with its item, gold or not: a gold item's may be deliberately wrong
                    // (workers who copy pre-labels are caught by it); the gold answer is never a pre-label.
                    if (!reader.IsDBNull(5))
                    {
                        writer.WritePropertyName("prelabel");
                        writer.WriteRawValue(reader.GetString(5));
                    }
                    if (!reader.IsDBNull(2))
                    {
                        writer.WritePropertyName("gold");
                        writer.WriteRawValue(reader.GetString(2));
                        gold++;
                    }
                    else
                    {
                        regular++;
                    }
                    writer.WriteEndObject();
                    await writer.FlushAsync(ct);
                    writer.Reset();
                    await file.WriteAsync(newline, ct);
                }
            }, ct);
        }
        return (regular, gold);
    }
}
