using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Marketplace.Labeling.Prelabels;
using Npgsql;

namespace Marketplace.Tasks.Models;

/// <summary>
/// Puts suggestions on an assisted order's gold slots (<see cref="PlantedSuggestion"/>): a third of them, at least one,
/// carry a deliberately wrong one (prelabel_planted); a gold slot without any suggestion gets an ordinary one, copied
/// from a regular item's, so gold looks like the rest. A gold slot whose own suggestion (the manifest's) is already
/// wrong counts as planted first. The score and model version of a planted suggestion are a regular item's, so they
/// look like the model's. Only open slots are touched (a worker who saw a suggestion keeps it), and planting stops once
/// the order has its share, so calling it again (after every batch of predictions) changes nothing.
/// An order is assisted when a model is chosen for it (order_models) or its regular items carry suggestions.
/// </summary>
public static class GoldSuggestions
{
    private sealed class Order
    {
        public string TaskType { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public bool MultiLabel { get; init; }
        public int GoldSlots { get; init; }
        public int Planted { get; init; }
        public bool Assisted { get; init; }
        public TaskTemplate Template() => new(TaskType, Labels, MultiLabel, []);
    }

    private sealed record GoldSlot(Guid Id, string GoldAnswer, string? Prelabel);

    /// <returns>The gold slots given a suggestion.</returns>
    public static async Task<int> PlantAsync(NpgsqlTransaction tx, Guid orderId)
    {
        var connection = tx.Connection!;
        var order = await connection.QuerySingleOrDefaultAsync<Order>("""
            SELECT o.task_type, o.labels, o.multi_label,
                   (SELECT count(*) FROM assignments g WHERE g.order_id = o.order_id AND g.is_gold)::int AS gold_slots,
                   (SELECT count(*) FROM assignments g WHERE g.order_id = o.order_id AND g.is_gold AND g.prelabel_planted)::int AS planted,
                   EXISTS (SELECT 1 FROM order_models m WHERE m.order_id = o.order_id)
                   OR EXISTS (SELECT 1 FROM assignments a WHERE a.order_id = o.order_id AND NOT a.is_gold AND a.prelabel IS NOT NULL) AS assisted
            FROM task_orders o WHERE o.order_id = @orderId AND o.gold_slots > 0
            """, new { orderId }, tx);
        if (order is null || !order.Assisted || !PlantedSuggestion.CanPlant(order.Template())) return 0;
        var wanted = PlantedSuggestion.Count(order.GoldSlots) - order.Planted;
        var open = (await connection.QueryAsync<GoldSlot>("""
            SELECT id, gold_answer::text AS gold_answer, prelabel::text AS prelabel FROM assignments
            WHERE order_id = @orderId AND is_gold AND status = 'open' AND NOT prelabel_planted
            """, new { orderId }, tx)).ToList();
        if (open.Count == 0 || (wanted <= 0 && open.All(g => g.Prelabel is not null))) return 0;
        // Regular items' suggestions to borrow a score, a version or (for a bare gold slot) the whole suggestion from.
        var regular = (await connection.QueryAsync<string>("""
            SELECT prelabel::text FROM assignments
            WHERE order_id = @orderId AND NOT is_gold AND prelabel IS NOT NULL
            LIMIT 64
            """, new { orderId }, tx)).ToList();

        var template = order.Template();
        bool AlreadyWrong(GoldSlot g)
        {
            if (g.Prelabel is null) return false;
            using var prelabel = JsonDocument.Parse(g.Prelabel);
            using var gold = JsonDocument.Parse(g.GoldAnswer);
            return prelabel.RootElement.TryGetProperty("label", out var label) && !GoldMix.Matches(template, label, gold.RootElement);
        }
        var toPlant = open.OrderByDescending(AlreadyWrong).ThenBy(g => PlantedSuggestion.Pick(g.Id, int.MaxValue))
            .Take(Math.Max(0, wanted)).ToList();
        var ids = new List<Guid>();
        var prelabels = new List<string>();
        var planted = new List<bool>();
        foreach (var slot in toPlant)
        {
            ids.Add(slot.Id);
            planted.Add(true);
            if (AlreadyWrong(slot)) { prelabels.Add(slot.Prelabel!); continue; }
            using var gold = JsonDocument.Parse(slot.GoldAnswer);
            var (version, score) = Borrowed(regular, slot);
            prelabels.Add(JsonSerializer.Serialize(new
            {
                label = JsonDocument.Parse(PlantedSuggestion.WrongLabelJson(template, gold.RootElement, slot.Id)).RootElement,
                modelVersion = version,
                score,
            }));
        }
        if (regular.Count > 0)
            foreach (var bare in open.Where(g => g.Prelabel is null).Except(toPlant))
            {
                ids.Add(bare.Id);
                planted.Add(false);
                prelabels.Add(regular[PlantedSuggestion.Pick(bare.Id, regular.Count)]);
            }
        if (ids.Count == 0) return 0;
        return await connection.ExecuteAsync("""
            UPDATE assignments a SET prelabel = v.prelabel::jsonb, prelabel_planted = v.planted
            FROM unnest(@ids, @prelabels, @planted) AS v(id, prelabel, planted)
            WHERE a.id = v.id AND a.status = 'open'
            """, new { ids = ids.ToArray(), prelabels = prelabels.ToArray(), planted = planted.ToArray() }, tx);
    }

    /// <summary>A regular item's model version and score (chosen by the slot), else the gold slot's own, else none.</summary>
    private static (string? Version, decimal? Score) Borrowed(List<string> regular, GoldSlot slot)
    {
        var source = regular.Count > 0 ? regular[PlantedSuggestion.Pick(slot.Id, regular.Count)] : slot.Prelabel;
        if (source is null) return (null, null);
        using var prelabel = JsonDocument.Parse(source);
        var root = prelabel.RootElement;
        var version = root.TryGetProperty("modelVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var score = root.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDecimal() : (decimal?)null;
        return (version, score);
    }
}
