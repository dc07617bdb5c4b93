using Dapper;
using Npgsql;

namespace Marketplace.Tasks.Models;

/// <summary>
/// What the built-in model learns from, per item (one label each, the first that applies):
/// 1. a gold item's known answer (known: held out at a larger share, since it measures the model best of all);
/// 2. the label the platform settled on (item_labels) once its confidence reached the order's bar (0.9 when the order
///    states none): the answers' Dawid-Skene posterior, or a lone answer together with the model (closed by the model);
/// 3. for a text order, provisionally, the answers so far of an item not settled yet: a lone answer weighted by its
///    worker's accuracy on gold ((K·q − 1)/(K − 1): 0 for a worker no better than chance; a worker gold has not judged
///    yet counts <see cref="UnknownWorkerWeight"/>), several by the share that gives the leading label. These train but
///    never measure or calibrate the model (<see cref="Marketplace.Modeling.Example.Provisional"/>).
/// Each accepted label carries its certainty (gold 1, a settled label its confidence): the calibration allows for the
/// held-out labels' own mistakes by it.
/// "Two answers agree" is no longer a label the model measures itself on: with 30% random answerers it is wrong about one
/// time in eight, and calibrating on it taught a model right 96% of the time to say 0.87 (decisions.md, "The labeling
/// benchmark"). Only single-label answers (a JSON string) count. For an image order, only items whose image features exist.
/// </summary>
public static class TrainingExamples
{
    /// <summary>
    /// The weight of a lone answer whose worker gold has not judged yet. Measured with bench/labeling.sh on SpamAssassin:
    /// 0.3 gave 95.1% at 2.26 answers an item, 0 gave 94.8% at 2.43 (fewer labels early in the first round).
    /// </summary>
    public const double UnknownWorkerWeight = 0.3;

    public sealed class Row
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public string Label { get; init; } = "";
        public float[]? Features { get; init; }
        public float Weight { get; init; } = 1;
        public bool Provisional { get; init; }
        public bool Known { get; init; }
        /// <summary>How sure an accepted label is: 1 for gold, else its settled confidence; null for a provisional one.</summary>
        public double? Certainty { get; init; }
    }

    /// <param name="Accepted">Gold and settled labels.</param>
    /// <param name="Weighted">Accepted plus the provisional ones' weights, rounded: what the retraining schedule grows by.</param>
    public sealed record Counts(int Accepted, int Weighted, int Unreadable);

    private const string Examples = """
        WITH votes AS (
            SELECT a.item_id, min(a.content) AS content, a.answer #>> '{}' AS label, count(*) AS n,
                   max(CASE WHEN q.gold_answered >= @leastGold THEN (q.gold_correct + 1.0) / (q.gold_answered + 2.0) END) AS skill
            FROM assignments a
            LEFT JOIN worker_order_quality q ON q.order_id = a.order_id AND q.worker_id = a.worker_id
            WHERE a.order_id = @orderId AND NOT a.is_gold AND a.status = 'approved' AND jsonb_typeof(a.answer) = 'string' AND @provisional
            GROUP BY a.item_id, a.answer #>> '{}'
        ), tallied AS (
            SELECT item_id, content, label, n, skill, sum(n) OVER (PARTITION BY item_id) AS total,
                   row_number() OVER (PARTITION BY item_id ORDER BY n DESC, label) AS rank
            FROM votes
        ), candidates AS (
            SELECT DISTINCT ON (item_id) item_id, content, gold_answer #>> '{}' AS label, 1.0 AS weight, false AS provisional, true AS known, 1.0 AS certainty, 1 AS priority
            FROM assignments WHERE order_id = @orderId AND is_gold AND jsonb_typeof(gold_answer) = 'string'
            UNION ALL
            SELECT l.item_id, l.content, l.label #>> '{}', 1.0, false, false, l.confidence, 2
            FROM item_labels l JOIN task_orders o ON o.order_id = l.order_id
            WHERE l.order_id = @orderId AND jsonb_typeof(l.label) = 'string' AND l.confidence >= coalesce(o.confidence_bar, 0.9)
            UNION ALL
            SELECT item_id, content, label,
                   greatest(0, least(1, CASE WHEN total = 1 THEN coalesce((@k * skill - 1) / (@k - 1), @unknownWeight)
                                             ELSE (@k * n::numeric / total - 1) / (@k - 1) END)),
                   true, false, NULL, 3
            FROM tallied WHERE rank = 1
        ), examples AS (
            SELECT DISTINCT ON (item_id) item_id, content, label, weight, provisional, known, certainty FROM candidates ORDER BY item_id, priority
        )
        """;

    private static object Args(Guid orderId, int labelCount, bool provisional, int leastGold) => new
    {
        orderId, k = (decimal)Math.Max(2, labelCount), provisional, leastGold, unknownWeight = (decimal)UnknownWorkerWeight,
    };

    /// <summary>How many examples there are (for an image order, how many with features, and how many whose image failed).</summary>
    public static Task<Counts> CountAsync(NpgsqlConnection connection, Guid orderId, bool images, int labelCount, bool provisional, int leastGold) =>
        connection.QuerySingleAsync<Counts>(Examples + (images
            ? """
              SELECT count(f.features) FILTER (WHERE NOT e.provisional)::int AS accepted,
                     round(coalesce(sum(e.weight) FILTER (WHERE f.features IS NOT NULL), 0))::int AS weighted,
                     count(f.failure)::int AS unreadable
              FROM examples e LEFT JOIN item_image_features f ON f.order_id = @orderId AND f.item_id = e.item_id
              WHERE e.weight > 0
              """
            : """
              SELECT count(*) FILTER (WHERE NOT provisional)::int AS accepted, round(coalesce(sum(weight), 0))::int AS weighted, 0 AS unreadable
              FROM examples WHERE weight > 0
              """), Args(orderId, labelCount, provisional, leastGold));

    public static async Task<List<Row>> ReadAsync(NpgsqlConnection connection, Guid orderId, bool images, int labelCount, bool provisional, int leastGold) =>
        (await connection.QueryAsync<Row>(Examples + (images
            ? """
              SELECT e.item_id, e.content, e.label, f.features, e.weight::real AS weight, e.provisional, e.known, e.certainty::float8 AS certainty FROM examples e
              JOIN item_image_features f ON f.order_id = @orderId AND f.item_id = e.item_id AND f.features IS NOT NULL
              WHERE e.weight > 0
              ORDER BY e.item_id
              """
            : """
              SELECT item_id, content, label, NULL::real[] AS features, weight::real AS weight, provisional, known, certainty::float8 AS certainty FROM examples
              WHERE weight > 0 ORDER BY item_id
              """), Args(orderId, labelCount, provisional, leastGold))).AsList();

    /// <summary>The first image failure among the examples, to name in the order's state.</summary>
    public static Task<string?> FirstUnreadableAsync(NpgsqlConnection connection, Guid orderId, int labelCount, bool provisional, int leastGold) =>
        connection.QueryFirstOrDefaultAsync<string?>(Examples + """
            SELECT e.item_id || ': ' || f.failure FROM examples e
            JOIN item_image_features f ON f.order_id = @orderId AND f.item_id = e.item_id AND f.failure IS NOT NULL
            ORDER BY e.item_id LIMIT 1
            """, Args(orderId, labelCount, provisional, leastGold));
}
