using System.Text.Json;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// The order's aggregated labels, a page at a time (or the items named by repeated ?itemId=): label, confidence, method and
/// the approved answers behind each, with how many aggregation rounds ran and how many slots dynamic overlap added.
/// </summary>
public static class OrderLabels
{
    public const int MaxPageSize = 100;

    public sealed record ItemLabel(string ItemId, string Content, JsonElement? Label, decimal? Confidence, string Method, int AnswerCount,
        JsonElement Answers, int Round, DateTime AggregatedAt);

    public sealed record Response(Guid OrderId, DateTime? LabelsAggregatedAt, int AggregationRounds, int DynamicSlots, DateTime? CompletedAt,
        long Total, int Page, int PageSize, IReadOnlyList<ItemLabel> Items);

    private sealed class Row
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public string? Label { get; init; }
        public decimal? Confidence { get; init; }
        public string Method { get; init; } = "";
        public int AnswerCount { get; init; }
        public string Provenance { get; init; } = "[]";
        public int Round { get; init; }
        public DateTime AggregatedAt { get; init; }

        public ItemLabel View() => new(ItemId, Content, Label is null ? null : Parse(Label), Confidence, Method, AnswerCount, Parse(Provenance),
            Round, AggregatedAt);

        private static JsonElement Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
    }

    public static RouteGroupBuilder MapOrderLabels(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/labels", Handle).RequireAuthorization("enterprise-or-operator")
            .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(Guid orderId, string[]? itemId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (page is < 1 or > Marketplace.ServiceDefaults.Http.Paging.MaxPage)
            return Problems.BadRequest("page", $"'page' must be between 1 and {Marketplace.ServiceDefaults.Http.Paging.MaxPage}.", "validation.out_of_range");
        if (pageSize is < 1 or > MaxPageSize) return Problems.BadRequest("pageSize", $"'Page Size' must be between 1 and {MaxPageSize}.");
        if (itemId is { Length: > MaxPageSize }) return Problems.BadRequest("itemId", $"Ask for at most {MaxPageSize} items at once.");
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var order = await OrderTerms.FindAsync(connection, orderId);
        if (order is null || (!caller.IsOperator && order.EnterpriseOrgId != caller.OrgId)) return Problems.NotFound($"Order {orderId}");

        int p = page ?? 1, size = pageSize ?? 50;
        var named = itemId is { Length: > 0 };
        const string columns = "item_id, content, label::text AS label, confidence, method, answer_count, provenance::text AS provenance, round, aggregated_at";
        var rows = named
            ? await connection.QueryAsync<Row>($"SELECT {columns} FROM item_labels WHERE order_id = @orderId AND item_id = ANY(@itemId) ORDER BY item_id",
                new { orderId, itemId })
            : await connection.QueryAsync<Row>($"SELECT {columns} FROM item_labels WHERE order_id = @orderId ORDER BY item_id OFFSET @offset LIMIT @size",
                new { orderId, offset = (long)(p - 1) * size, size });
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM item_labels WHERE order_id = @orderId", new { orderId });
        return TypedResults.Ok(new Response(orderId, order.LabelsAggregatedAt, order.AggregationRounds, order.DynamicSlots, order.CompletedAt,
            total, p, size, rows.Select(r => r.View()).ToList()));
    }
}
