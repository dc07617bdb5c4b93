using Dapper;
using Npgsql;

namespace Marketplace.Tasks.Models;

/// <summary>
/// What the built-in model learns from, per item (one label each, the first that applies):
/// 1. a gold item's known answer;
/// 2. the aggregated label (item_labels), once its confidence reached the order's bar (0.9 when the order states none);
/// 3. before aggregation, approved answers that agree: at least two approved answers give the label and no other label
///    has as many. One approved answer alone is never an example (one answer cannot vouch for itself, issue 15 item 0).
/// Only single-label answers (a JSON string) count. For an image order, only items whose image features exist.
/// </summary>
public static class TrainingExamples
{
    public sealed class Row
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public string Label { get; init; } = "";
        public float[]? Features { get; init; }
    }

    private const string Accepted = """
        WITH votes AS (
            SELECT item_id, min(content) AS content, answer #>> '{}' AS label, count(*) AS n
            FROM assignments
            WHERE order_id = @orderId AND NOT is_gold AND status = 'approved' AND jsonb_typeof(answer) = 'string'
            GROUP BY item_id, answer #>> '{}'
        ), agreed AS (
            SELECT DISTINCT ON (item_id) item_id, content, label, n,
                   n > coalesce(lead(n) OVER (PARTITION BY item_id ORDER BY n DESC), 0) AS outvotes
            FROM votes ORDER BY item_id, n DESC
        ), candidates AS (
            SELECT DISTINCT ON (item_id) item_id, content, gold_answer #>> '{}' AS label, 1 AS priority
            FROM assignments WHERE order_id = @orderId AND is_gold AND jsonb_typeof(gold_answer) = 'string'
            UNION ALL
            SELECT l.item_id, l.content, l.label #>> '{}', 2
            FROM item_labels l JOIN task_orders o ON o.order_id = l.order_id
            WHERE l.order_id = @orderId AND jsonb_typeof(l.label) = 'string' AND l.confidence >= coalesce(o.confidence_bar, 0.9)
            UNION ALL
            SELECT item_id, content, label, 3 FROM agreed WHERE n >= 2 AND outvotes
        ), examples AS (
            SELECT DISTINCT ON (item_id) item_id, content, label FROM candidates ORDER BY item_id, priority
        )
        """;

    /// <summary>How many examples there are (for an image order, how many with features, and how many whose image failed).</summary>
    public static Task<(int Usable, int Unreadable)> CountAsync(NpgsqlConnection connection, Guid orderId, bool images) =>
        connection.QuerySingleAsync<(int, int)>(Accepted + (images
            ? """
              SELECT count(f.features)::int, count(f.failure)::int FROM examples e
              LEFT JOIN item_image_features f ON f.order_id = @orderId AND f.item_id = e.item_id
              """
            : "SELECT count(*)::int, 0 FROM examples"), new { orderId });

    public static async Task<List<Row>> ReadAsync(NpgsqlConnection connection, Guid orderId, bool images) =>
        (await connection.QueryAsync<Row>(Accepted + (images
            ? """
              SELECT e.item_id, e.content, e.label, f.features FROM examples e
              JOIN item_image_features f ON f.order_id = @orderId AND f.item_id = e.item_id AND f.features IS NOT NULL
              ORDER BY e.item_id
              """
            : "SELECT item_id, content, label, NULL::real[] AS features FROM examples ORDER BY item_id"), new { orderId })).AsList();

    /// <summary>The first image failure among the examples, to name in the order's state.</summary>
    public static Task<string?> FirstUnreadableAsync(NpgsqlConnection connection, Guid orderId) =>
        connection.QueryFirstOrDefaultAsync<string?>(Accepted + """
            SELECT e.item_id || ': ' || f.failure FROM examples e
            JOIN item_image_features f ON f.order_id = @orderId AND f.item_id = e.item_id AND f.failure IS NOT NULL
            ORDER BY e.item_id LIMIT 1
            """, new { orderId });
}
