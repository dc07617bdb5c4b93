using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Marketplace.Labeling.Prelabels;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// How much people change the model's pre-labels. At submit, an answer to a pre-labeled slot is measured against its
/// pre-label (<see cref="PrelabelChange"/>) and kept; per order, the enterprise (and operators) read the totals and the
/// same figures by model version, a page at a time. Gold answers are measured but left out of the figures: a gold
/// item's pre-label may be deliberately wrong, to catch workers who copy pre-labels.
/// </summary>
public static class PrelabelFigures
{
    /// <summary>The per-type measures, null where no answer of the kind was measured.</summary>
    public sealed record Measures(long? LabelsFlipped, decimal? MeanJaccard, decimal? MeanIoU, long? BoxesAdded, long? BoxesRemoved,
        decimal? MeanSpanF1, decimal? MeanEditDistance);

    public sealed record Figures(string? ModelVersion, long Answers, long Unchanged, long Changed, Measures Measures);

    public sealed record Response(Guid OrderId, string TaskType, long AnswersWithPrelabel, long AcceptedUnchanged, long Changed,
        Measures Measures, PageOf<Figures> ByModelVersion);

    public static RouteGroupBuilder MapPrelabelFigures(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/prelabels", Handle).RequireAuthorization("enterprise-or-operator")
            .Produces<Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Measures an answer against its slot's pre-label and keeps the result (in the submit's transaction).</summary>
    public static async Task RecordAsync(NpgsqlTransaction tx, Guid assignmentId, TaskTemplate template, string prelabelJson, bool isGold, JsonElement answer)
    {
        using var stored = JsonDocument.Parse(prelabelJson);
        var prelabel = Prelabel.FromStored(stored.RootElement);
        var change = PrelabelChange.Measure(template, prelabel.Label, answer);
        await tx.Connection!.ExecuteAsync("""
            INSERT INTO prelabel_answers (assignment_id, order_id, task_type, model_version, is_gold, unchanged, flipped, jaccard,
                                          mean_iou, boxes_added, boxes_removed, span_f1, edit_distance)
            SELECT a.id, coalesce(o.package_order_id, a.order_id), o.task_type, @ModelVersion, @isGold, @Unchanged, @Flipped, @Jaccard,
                   @MeanIoU, @BoxesAdded, @BoxesRemoved, @SpanF1, @EditDistance
            FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.id = @assignmentId
            ON CONFLICT (assignment_id) DO NOTHING
            """, new
        {
            assignmentId, prelabel.ModelVersion, isGold, change.Unchanged, change.Flipped, change.Jaccard, change.MeanIoU,
            change.BoxesAdded, change.BoxesRemoved, change.SpanF1, change.EditDistance,
        }, tx);
    }

    private sealed class Row
    {
        public string? ModelVersion { get; init; }
        public long Answers { get; init; }
        public long Unchanged { get; init; }
        public long? LabelsFlipped { get; init; }
        public decimal? MeanJaccard { get; init; }
        public decimal? MeanIou { get; init; }
        public long? BoxesAdded { get; init; }
        public long? BoxesRemoved { get; init; }
        public decimal? MeanSpanF1 { get; init; }
        public decimal? MeanEditDistance { get; init; }

        public Measures Measures() => new(LabelsFlipped, MeanJaccard, MeanIou, BoxesAdded, BoxesRemoved, MeanSpanF1, MeanEditDistance);
        public Figures Figures() => new(ModelVersion, Answers, Unchanged, Answers - Unchanged, Measures());
    }

    private const string Aggregates = """
        count(*) AS answers, count(*) FILTER (WHERE unchanged) AS unchanged,
        CASE WHEN count(flipped) > 0 THEN count(*) FILTER (WHERE flipped) END AS labels_flipped,
        round(avg(jaccard), 4) AS mean_jaccard, round(avg(mean_iou), 4) AS mean_iou,
        sum(boxes_added) AS boxes_added, sum(boxes_removed) AS boxes_removed,
        round(avg(span_f1), 4) AS mean_span_f1, round(avg(edit_distance), 4) AS mean_edit_distance
        """;

    private static async Task<IResult> Handle(Guid orderId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        // A crowd order is its own task order; a contracted order's work is its packages (keyed by package id).
        var taskType = await connection.QueryFirstOrDefaultAsync<string>("""
            SELECT task_type FROM task_orders
            WHERE (order_id = @orderId AND package_order_id IS NULL AND (@isOperator OR enterprise_org_id = @OrgId))
               OR (package_order_id = @orderId AND (@isOperator OR order_enterprise_org_id = @OrgId))
            LIMIT 1
            """, new { orderId, isOperator = caller.IsOperator, caller.OrgId });
        if (taskType is null) return Problems.NotFound($"Order {orderId}");

        await using var figures = await connection.QueryMultipleAsync($"""
            SELECT NULL::text AS model_version, {Aggregates} FROM prelabel_answers WHERE order_id = @orderId AND NOT is_gold;
            SELECT count(DISTINCT coalesce(model_version, '')) FROM prelabel_answers WHERE order_id = @orderId AND NOT is_gold;
            SELECT model_version, {Aggregates} FROM prelabel_answers WHERE order_id = @orderId AND NOT is_gold
            GROUP BY model_version ORDER BY model_version NULLS LAST OFFSET @offset LIMIT @size;
            """, new { orderId, offset = (long)(number - 1) * size, size });
        var totals = await figures.ReadSingleAsync<Row>();
        var versions = await figures.ReadSingleAsync<long>();
        var byVersion = (await figures.ReadAsync<Row>()).Select(r => r.Figures()).ToList();
        return TypedResults.Ok(new Response(orderId, taskType, totals.Answers, totals.Unchanged, totals.Answers - totals.Unchanged,
            totals.Measures(), new PageOf<Figures>(byVersion, versions, number, size)));
    }
}
