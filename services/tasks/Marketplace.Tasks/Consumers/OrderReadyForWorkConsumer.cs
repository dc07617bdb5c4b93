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

    private sealed record WorkItem(string Id, string Content);

    public Task Consume(ConsumeContext<OrderReadyForWork> context)
    {
        var order = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderReadyForWorkConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var itemCount = order.ItemsKey is null ? order.Items.Count : order.ItemCount;
            var inserted = await connection.ExecuteAsync("""
                INSERT INTO task_orders (order_id, enterprise_org_id, task_type, labels, worker_reward, platform_fee, currency, deadline,
                                         total_assignments, multi_label, criteria, data_grade, suite_size, lease_seconds,
                                         industry, personal_information, required_qualifications, required_accuracy, gold_share,
                                         confidence_bar, overlap_cap)
                VALUES (@OrderId, @EnterpriseOrgId, @TaskType, @labels, @WorkerReward, @PlatformFee, @Currency, @deadline,
                        @total, @MultiLabel, @criteria::jsonb, @DataGrade, @SuiteSize, @LeaseSeconds,
                        @Industry, @PersonalInformation, @qualifications, @RequiredAccuracy, @GoldShare, @ConfidenceBar, @OverlapCap)
                ON CONFLICT (order_id) DO NOTHING
                """, new
            {
                order.OrderId, order.EnterpriseOrgId, order.TaskType, labels = order.Labels.ToArray(), order.WorkerReward,
                order.PlatformFee, order.Currency, deadline = order.Deadline.ToUniversalTime(), total = itemCount * order.Overlap,
                order.MultiLabel, order.DataGrade, order.SuiteSize, order.LeaseSeconds,
                order.Industry, order.PersonalInformation, qualifications = (order.RequiredQualifications ?? []).ToArray(),
                order.RequiredAccuracy, order.GoldShare, order.ConfidenceBar, order.OverlapCap,
                criteria = JsonSerializer.Serialize(order.Criteria ?? [], Json),
            }, tx);
            if (inserted == 0) return;

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var items = order.ItemsKey is null
                ? order.Items.Select(i => new WorkItem(i.ItemId, i.Content)).ToAsyncEnumerable()
                : ReadItemsAsync(order.ItemsKey, context.CancellationToken);
            var written = await CopySlotsAsync(connection, order.OrderId, order.Overlap, items, context.CancellationToken);
            if (written != itemCount * order.Overlap)
                throw new InvalidOperationException($"Order {order.OrderId}: expected {itemCount} items x {order.Overlap}, split {written} slots");
            logger.LogInformation("Split order {OrderId}: {Slots} slots in {Seconds:F1} s", order.OrderId, written,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        });
    }

    private async IAsyncEnumerable<WorkItem> ReadItemsAsync(string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(store.OpenRead(key), System.Text.Encoding.UTF8, false, 1 << 16);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            yield return JsonSerializer.Deserialize<WorkItem>(line, Json) ?? throw new InvalidDataException($"{key}: a line is not an item");
        }
    }

    /// <returns>How many slots were written.</returns>
    private static async Task<long> CopySlotsAsync(NpgsqlConnection connection, Guid orderId, int overlap, IAsyncEnumerable<WorkItem> items,
        CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY assignments (id, order_id, item_id, slot, content) FROM STDIN (FORMAT BINARY)", ct);
        importer.Timeout = TimeSpan.FromMinutes(30);
        long slots = 0;
        await foreach (var item in items.WithCancellation(ct))
        {
            for (var slot = 0; slot < overlap; slot++)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(orderId, NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(item.Id, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(slot, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(item.Content, NpgsqlDbType.Text, ct);
                slots++;
            }
        }
        await importer.CompleteAsync(ct);
        return slots;
    }
}
