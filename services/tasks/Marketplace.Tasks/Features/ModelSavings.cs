using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// What model assistance saved an order (issue 15 item 5): human answers so far and per item, by day; what a fixed
/// overlap at the cap would have needed for the items settled so far, the answers and the yuan saved (exact: each answer
/// costs the order's worker reward plus the platform fee); how often people overrode the model's suggestions; items
/// closed by one answer that agreed with a confident model; and the confidence the order's labels carry. Regular items
/// only (gold is the platform's check, not the enterprise's data). A crowd order's figures; the enterprise that owns it
/// and operators may read them.
/// </summary>
public static class ModelSavings
{
    public sealed record Day(DateOnly Date, long Answers, long CumulativeAnswers, decimal AnswersPerItem);

    /// <param name="OverlapCap">The most answers an item may get: the order's cap, else its fixed overlap.</param>
    /// <param name="ItemsSettled">Items with a label that wait for no further answer.</param>
    /// <param name="AnswersAtCap">What a fixed overlap at the cap would have needed for the settled items.</param>
    /// <param name="AnswersSaved">AnswersAtCap less the answers the settled items took.</param>
    /// <param name="Overridden">Answers to a suggested item that differ from the suggestion (prelabel_answers).</param>
    /// <param name="DeliveredConfidence">The mean stored confidence of the order's labels (null when none claims one).</param>
    public sealed record Response(Guid OrderId, string Currency, int OverlapCap, long Items, long ItemsWithSuggestion,
        long HumanAnswers, decimal? AnswersPerItem, long ItemsSettled, long AnswersOnSettled, long AnswersAtCap, long AnswersSaved,
        decimal CostPerAnswer, decimal CostSaved, long ClosedByModel, long AnswersWithSuggestion, long Overridden,
        decimal? OverrideRate, decimal? DeliveredConfidence, long LabelsWithConfidence, PageOf<Day> ByDay);

    public static RouteGroupBuilder MapModelSavings(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/model-savings", Handle).RequireAuthorization("enterprise-or-operator")
            .Produces<Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private sealed class Order
    {
        public string Currency { get; init; } = "";
        public int OverlapCap { get; init; }
        public decimal CostPerAnswer { get; init; }
    }

    private sealed class Totals
    {
        public long Items { get; init; }
        public long ItemsWithSuggestion { get; init; }
        public long HumanAnswers { get; init; }
        public long ItemsSettled { get; init; }
        public long AnswersOnSettled { get; init; }
        public long ClosedByModel { get; init; }
        public decimal? DeliveredConfidence { get; init; }
        public long LabelsWithConfidence { get; init; }
    }

    /// <summary>One pass over the order's regular slots, grouped by item, beside the item's stored label.</summary>
    private const string TotalsSql = """
        WITH per_item AS (
            SELECT a.item_id, count(*) FILTER (WHERE a.status = 'approved') AS answers,
                   bool_or(a.status IN ('open', 'leased', 'submitted')) AS pending,
                   bool_or(a.prelabel IS NOT NULL) AS suggested
            FROM assignments a WHERE a.order_id = @orderId AND NOT a.is_gold
            GROUP BY a.item_id)
        SELECT count(*) AS items, count(*) FILTER (WHERE i.suggested) AS items_with_suggestion,
               coalesce(sum(i.answers), 0)::bigint AS human_answers,
               count(*) FILTER (WHERE NOT i.pending AND l.item_id IS NOT NULL) AS items_settled,
               coalesce(sum(i.answers) FILTER (WHERE NOT i.pending AND l.item_id IS NOT NULL), 0)::bigint AS answers_on_settled,
               count(*) FILTER (WHERE l.closed_by_model) AS closed_by_model,
               round(avg(l.confidence), 5) AS delivered_confidence, count(l.confidence) AS labels_with_confidence
        FROM per_item i LEFT JOIN item_labels l ON l.order_id = @orderId AND l.item_id = i.item_id;
        """;

    private const string DaysSql = """
        SELECT count(DISTINCT (approved_at AT TIME ZONE 'UTC')::date) FROM assignments
        WHERE order_id = @orderId AND NOT is_gold AND status = 'approved';
        SELECT date, answers, cumulative_answers FROM (
            SELECT date, answers, sum(answers) OVER (ORDER BY date)::bigint AS cumulative_answers
            FROM (SELECT (approved_at AT TIME ZONE 'UTC')::date AS date, count(*) AS answers FROM assignments
                  WHERE order_id = @orderId AND NOT is_gold AND status = 'approved' GROUP BY 1) d) c
        ORDER BY date OFFSET @offset LIMIT @size;
        SELECT count(*) AS answers, count(*) FILTER (WHERE NOT unchanged) AS overridden
        FROM prelabel_answers WHERE order_id = @orderId AND NOT is_gold;
        """;

    private static async Task<IResult> Handle(Guid orderId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var order = await connection.QuerySingleOrDefaultAsync<Order>("""
            SELECT currency, coalesce(overlap_cap, (terms ->> 'overlap')::int, 1) AS overlap_cap, worker_reward + platform_fee AS cost_per_answer
            FROM task_orders
            WHERE order_id = @orderId AND package_order_id IS NULL AND (@isOperator OR enterprise_org_id = @OrgId)
            """, new { orderId, isOperator = caller.IsOperator, caller.OrgId });
        if (order is null) return Problems.NotFound($"Order {orderId}");
        var totals = await connection.QuerySingleAsync<Totals>(TotalsSql, new { orderId });
        await using var read = await connection.QueryMultipleAsync(DaysSql, new { orderId, offset = (long)(number - 1) * size, size });
        var dayCount = await read.ReadSingleAsync<long>();
        var days = (await read.ReadAsync<(DateTime Date, long Answers, long Cumulative)>())
            .Select(d => new Day(DateOnly.FromDateTime(d.Date), d.Answers, d.Cumulative, PerItem(d.Cumulative, totals.Items) ?? 0m)).ToList();
        var (withSuggestion, overridden) = await read.ReadSingleAsync<(long, long)>();

        var atCap = totals.ItemsSettled * order.OverlapCap;
        var saved = atCap - totals.AnswersOnSettled;
        return TypedResults.Ok(new Response(orderId, order.Currency, order.OverlapCap, totals.Items, totals.ItemsWithSuggestion,
            totals.HumanAnswers, PerItem(totals.HumanAnswers, totals.Items), totals.ItemsSettled, totals.AnswersOnSettled, atCap, saved,
            order.CostPerAnswer, saved * order.CostPerAnswer, totals.ClosedByModel, withSuggestion, overridden,
            withSuggestion == 0 ? null : Math.Round((decimal)overridden / withSuggestion, 4), totals.DeliveredConfidence,
            totals.LabelsWithConfidence, new PageOf<Day>(days, dayCount, number, size)));
    }

    private static decimal? PerItem(long answers, long items) => items == 0 ? null : Math.Round((decimal)answers / items, 2);
}
