using System.Text.Json;
using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Tasks.Consumers;

/// <summary>
/// Splits a funded order into micro-tasks: one assignment slot per item and overlap, written with one binary COPY in the
/// same transaction as the inbox record (all slots or none; a redelivery splits nothing twice). Items come from the
/// claim-check file the message names (streamed, any size) or, for small orders, inline. Slot ids are time-ordered
/// (UUIDv7, random within a millisecond), so claims hand out the items roughly in manifest order.
/// </summary>
public sealed class OrderReadyForWorkConsumer(NpgsqlDataSource db, IContentStore store, ILogger<OrderReadyForWorkConsumer> logger)
    : IConsumer<OrderReadyForWork>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A line of the work file; an uploaded image carries its pixel size, an item a model suggested an answer for its pre-label.</summary>
    private sealed record WorkItem(string Id, string Content, JsonElement? Gold = null, int? Width = null, int? Height = null,
        JsonElement? Prelabel = null);

    public Task Consume(ConsumeContext<OrderReadyForWork> context) =>
        db.ApplyOnceAsync(context, nameof(OrderReadyForWorkConsumer), tx => SplitAsync(tx, context.Message, store, logger, context.CancellationToken));

    /// <summary>Splits the work into slots in the caller's transaction (once per order id).</summary>
    /// <returns>false when the order (or package) was already split.</returns>
    public static async Task<bool> SplitAsync(NpgsqlTransaction tx, OrderReadyForWork order, IContentStore store, ILogger logger, CancellationToken ct)
    {
        {
            var connection = tx.Connection!;
            var itemCount = order.ItemsKey is null ? order.Items.Count : order.ItemCount;
            var inserted = await connection.ExecuteAsync("""
                INSERT INTO task_orders (order_id, enterprise_org_id, task_type, labels, worker_reward, platform_fee, currency, deadline,
                                         total_assignments, multi_label, criteria, data_grade, suite_size, lease_seconds,
                                         industry, personal_information, required_qualifications, required_accuracy, gold_share,
                                         confidence_bar, overlap_cap, gold_slots, auto_approve_seconds, terms)
                VALUES (@OrderId, @EnterpriseOrgId, @TaskType, @labels, @WorkerReward, @PlatformFee, @Currency, @deadline,
                        @total, @MultiLabel, @criteria::jsonb, @DataGrade, @SuiteSize, @LeaseSeconds,
                        @Industry, @PersonalInformation, @qualifications, @RequiredAccuracy, @GoldShare, @ConfidenceBar, @OverlapCap, @GoldSlots,
                        @AutoApproveSeconds, @terms::jsonb)
                ON CONFLICT (order_id) DO NOTHING
                """, new
            {
                order.OrderId, order.EnterpriseOrgId, order.TaskType, labels = order.Labels.ToArray(), order.WorkerReward,
                order.PlatformFee, order.Currency, deadline = order.Deadline.ToUniversalTime(), total = itemCount * order.Overlap + order.GoldSlots,
                order.MultiLabel, order.DataGrade, order.SuiteSize, order.LeaseSeconds,
                order.Industry, order.PersonalInformation, qualifications = (order.RequiredQualifications ?? []).ToArray(),
                order.RequiredAccuracy, order.GoldShare, order.ConfidenceBar, order.OverlapCap, order.GoldSlots, order.AutoApproveSeconds,
                criteria = JsonSerializer.Serialize(order.Criteria ?? [], Json),
                terms = order.Terms is null ? null : JsonSerializer.Serialize(order.Terms, Json),
            }, tx);
            if (inserted == 0) return false;

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var items = order.ItemsKey is null
                ? order.Items.Select(i => new WorkItem(i.ItemId, i.Content, Prelabel: i.Prelabel)).ToAsyncEnumerable()
                : ReadItemsAsync(store, order.ItemsKey, ct);
            var written = await CopySlotsAsync(connection, order, itemCount, items, ct);
            if (written != itemCount * order.Overlap + order.GoldSlots)
                throw new InvalidOperationException($"Order {order.OrderId}: expected {itemCount} items x {order.Overlap} + {order.GoldSlots} gold, split {written} slots");
            // Gold slots of an order with suggestions get theirs, some deliberately wrong (issue 15 item 3).
            if (order.GoldSlots > 0) await Models.GoldSuggestions.PlantAsync(tx, order.OrderId);
            logger.LogInformation("Split order {OrderId}: {Slots} slots in {Seconds:F1} s", order.OrderId, written,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            return true;
        }
    }

    private static async IAsyncEnumerable<WorkItem> ReadItemsAsync(IContentStore store, string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(store.OpenRead(key), System.Text.Encoding.UTF8, false, 1 << 16);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            yield return JsonSerializer.Deserialize<WorkItem>(line, Json) ?? throw new InvalidDataException($"{key}: a line is not an item");
        }
    }

    /// <summary>
    /// Writes every regular slot and mixes the gold slots in evenly: gold slot j follows regular slot
    /// ceil((j + 1) × R / (G + 1)), cycling through the gold items (each gold item's slots numbered apart, so a worker
    /// meets each gold item at most once). Gold items come first in the stream and are held in memory.
    /// </summary>
    /// <returns>How many slots were written.</returns>
    private static async Task<long> CopySlotsAsync(NpgsqlConnection connection, OrderReadyForWork order, long itemCount,
        IAsyncEnumerable<WorkItem> items, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY assignments (id, order_id, item_id, slot, content, is_gold, gold_answer, image_width, image_height, prelabel) FROM STDIN (FORMAT BINARY)", ct);
        importer.Timeout = TimeSpan.FromMinutes(30);
        var gold = new List<WorkItem>();
        long regularSlots = itemCount * order.Overlap, written = 0, regularWritten = 0, goldWritten = 0;

        async Task Row(WorkItem item, int slot, JsonElement? goldAnswer)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(order.OrderId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(item.Id, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(slot, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(item.Content, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(goldAnswer is not null, NpgsqlDbType.Boolean, ct);
            if (goldAnswer is { } answer) await importer.WriteAsync(answer.GetRawText(), NpgsqlDbType.Jsonb, ct);
            else await importer.WriteNullAsync(ct);
            if (item is { Width: { } width, Height: { } height })
            {
                await importer.WriteAsync(width, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(height, NpgsqlDbType.Integer, ct);
            }
            else
            {
                await importer.WriteNullAsync(ct);
                await importer.WriteNullAsync(ct);
            }
            if (item.Prelabel is { ValueKind: JsonValueKind.Object } prelabel) await importer.WriteAsync(prelabel.GetRawText(), NpgsqlDbType.Jsonb, ct);
            else await importer.WriteNullAsync(ct);
            written++;
        }

        async Task GoldDueAsync()
        {
            while (goldWritten < order.GoldSlots && gold.Count > 0
                   && regularWritten * (order.GoldSlots + 1) >= (goldWritten + 1) * regularSlots)
            {
                var item = gold[(int)(goldWritten % gold.Count)];
                await Row(item, (int)(goldWritten / gold.Count), item.Gold);
                goldWritten++;
            }
        }

        await foreach (var item in items.WithCancellation(ct))
        {
            if (item.Gold is { ValueKind: not JsonValueKind.Null })
            {
                gold.Add(item);
                continue;
            }
            for (var slot = 0; slot < order.Overlap; slot++)
            {
                await Row(item, slot, null);
                regularWritten++;
                await GoldDueAsync();
            }
        }
        await GoldDueAsync();
        await importer.CompleteAsync(ct);
        return written;
    }
}
