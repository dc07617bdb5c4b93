using Dapper;
using Marketplace.Labeling.Prelabels;
using Npgsql;

namespace Marketplace.Tasks.Models;

/// <summary>One prediction for one item: the label in the task type's answer shape (JSON) and the model's confidence.</summary>
public sealed record ItemPrediction(string ItemId, string LabelJson, decimal? Score);

/// <summary>
/// The one way a model's predictions enter tasks, whichever model made them (the built-in model, an external backend):
/// each item's newest prediction is kept in item_predictions, and its slots nobody has claimed yet show it as their
/// pre-label. Slots already claimed or answered keep the pre-label their worker saw (the answer's change figures are
/// measured against it), and a planted gold pre-label is never replaced. Gold items are predicted like any other, so
/// their slots look like every other slot; a share of the gold slots carry a planted wrong suggestion instead
/// (<see cref="GoldSuggestions"/>), and an open slot's place in the claim queue follows its item's score.
/// </summary>
public static class ModelPredictions
{
    public const string BuiltIn = "builtin";
    public const string Backend = "backend";

    /// <summary>Saves a batch in the caller's transaction. Items not in the order are ignored. Returns the slots updated.</summary>
    public static async Task<int> SaveAsync(NpgsqlTransaction tx, Guid orderId, string source, string modelVersion,
        IReadOnlyList<ItemPrediction> predictions)
    {
        if (predictions.Count == 0) return 0;
        if (source is not (BuiltIn or Backend)) throw new ArgumentOutOfRangeException(nameof(source), source, "unknown model source");
        if (modelVersion.Length is 0 or > Prelabel.MaxModelVersion)
            throw new ArgumentOutOfRangeException(nameof(modelVersion), modelVersion, "a model version is 1 to 100 characters");
        var args = new
        {
            orderId,
            source,
            modelVersion,
            itemIds = predictions.Select(p => p.ItemId).ToArray(),
            labels = predictions.Select(p => p.LabelJson).ToArray(),
            scores = predictions.Select(p => p.Score is { } s ? Math.Round(s, 5) : (decimal?)null).ToArray(),
        };
        await tx.Connection!.ExecuteAsync("""
            INSERT INTO item_predictions (order_id, item_id, source, model_version, label, score, predicted_at)
            SELECT @orderId, p.item_id, @source, @modelVersion, p.label::jsonb, p.score, now()
            FROM unnest(@itemIds::text[], @labels::text[], @scores::numeric[]) AS p(item_id, label, score)
            WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.order_id = @orderId AND a.item_id = p.item_id)
            ON CONFLICT (order_id, item_id) DO UPDATE
            SET source = excluded.source, model_version = excluded.model_version, label = excluded.label,
                score = excluded.score, predicted_at = excluded.predicted_at
            """, args, tx);
        // A slot's place in the claim queue (claim_priority, unsure first) is generated from its pre-label, so it follows
        // the new score here. Then the order's gold slots get their suggestions, a share of them planted wrong, if this
        // is the order's first model help (GoldSuggestions; nothing once planted).
        var updated = await tx.Connection!.ExecuteAsync("""
            UPDATE assignments a
            SET prelabel = jsonb_build_object('label', p.label::jsonb, 'modelVersion', @modelVersion, 'score', p.score)
            FROM unnest(@itemIds::text[], @labels::text[], @scores::numeric[]) AS p(item_id, label, score)
            WHERE a.order_id = @orderId AND a.item_id = p.item_id AND a.status = 'open' AND NOT a.prelabel_planted
            """, args, tx);
        await GoldSuggestions.PlantAsync(tx, orderId);
        return updated;
    }
}
