using Dapper;
using FluentValidation;
using Marketplace.Labeling;
using Marketplace.Labeling.Delivery;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Jobs;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// The enterprise (or an operator) asks for a delivery export of an order's aggregated labels: JSONL, COCO (bounding-box
/// orders) or Label Studio tasks. A durable job streams the file into the content store, showing rows written as it goes;
/// once ready, the export carries a signed link that needs no token.
/// </summary>
public static class LabelExports
{
    public static readonly IReadOnlyList<string> Formats = ["jsonl", "coco", "label-studio"];

    public sealed record Request(string? Format);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Format).NotEmpty()
            .Must(f => Formats.Contains(f!)).WithMessage($"'Format' must be one of {string.Join(", ", Formats)}.");
    }

    public sealed record ExportView(Guid Id, Guid OrderId, string Format, string Status, long? TotalRows, long RowsWritten, long? Bytes,
        string FileName, string? Error, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? Url, DateTimeOffset? UrlExpiresAt,
        string? LabelConfig);

    public sealed class ExportRow
    {
        public Guid Id { get; init; }
        public Guid OrderId { get; init; }
        public string Format { get; init; } = "";
        public string Status { get; init; } = "";
        public long? TotalRows { get; init; }
        public long RowsWritten { get; init; }
        public long? Bytes { get; init; }
        public string FileName { get; init; } = "";
        public string StorageKey { get; init; } = "";
        public string? Error { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? StartedAt { get; init; }
        public DateTime? FinishedAt { get; init; }

        public ExportView View(ExportLinks links, TaskTemplate template, DateTimeOffset now)
        {
            var ready = Status == "ready";
            return new ExportView(Id, OrderId, Format, Status, TotalRows, RowsWritten, Bytes, FileName, Error, CreatedAt, StartedAt, FinishedAt,
                ready ? links.Links.LinkFor(OrderId, FileName, now) : null, ready ? links.Links.ExpiryFor(now) : null,
                Format == "label-studio" ? LabelStudioTasks.LabelConfig(template) : null);
        }
    }

    public const string Columns = """
        id, order_id, format, status, total_rows, rows_written, bytes, file_name, storage_key, error, created_at, started_at, finished_at
        """;

    public static string FileNameFor(Guid exportId, string format) => format switch
    {
        "jsonl" => $"{exportId:N}.jsonl",
        "coco" => $"{exportId:N}.coco.json",
        _ => $"{exportId:N}.label-studio.json",
    };

    public static RouteGroupBuilder MapLabelExports(this RouteGroupBuilder group)
    {
        group.MapPost("/{orderId:guid}/exports", Request_).RequireAuthorization("enterprise-or-operator").Validate<Request>().LimitedBy(RateLimits.Exports)
            .Produces<ExportView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{orderId:guid}/exports", List).RequireAuthorization("enterprise-or-operator")
            .Produces<List<ExportView>>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{orderId:guid}/exports/{exportId:guid}", Get).RequireAuthorization("enterprise-or-operator")
            .Produces<ExportView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<OrderTerms?> OwnOrderAsync(NpgsqlConnection connection, Guid orderId, HttpContext http)
    {
        var caller = Caller.From(http.User);
        var order = await OrderTerms.FindAsync(connection, orderId);
        return order is null || (!caller.IsOperator && order.EnterpriseOrgId != caller.OrgId) ? null : order;
    }

    private static async Task<IResult> Request_(Guid orderId, Request request, HttpContext http, NpgsqlDataSource db, ExportLinks links,
        TimeProvider clock)
    {
        await using var connection = await db.OpenConnectionAsync();
        var order = await OwnOrderAsync(connection, orderId, http);
        if (order is null) return Problems.NotFound($"Order {orderId}");
        if (request.Format == "coco" && order.TaskType != TaskTypes.BoundingBoxes)
            return Problems.BadRequest("format", $"COCO holds bounding boxes; this is a {order.TaskType} order. Ask for jsonl or label-studio.");
        if (order.LabelsAggregatedAt is null)
            return Problems.Conflict("The order's labels are not aggregated yet: that happens when every assignment is approved.", "not_aggregated");

        var id = Guid.CreateVersion7();
        var fileName = FileNameFor(id, request.Format!);
        await using var tx = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleAsync<ExportRow>($"""
            INSERT INTO label_exports (id, order_id, format, requested_by, file_name, storage_key)
            VALUES (@id, @orderId, @Format, @requestedBy, @fileName, @storageKey)
            RETURNING {Columns}
            """, new { id, orderId, request.Format, requestedBy = Caller.From(http.User).UserId, fileName, storageKey = $"exports/{orderId:N}/{fileName}" }, tx);
        await ExportLabels.EnqueueAsync(tx, id);
        await tx.CommitAsync();
        return TypedResults.Accepted($"/api/tasks/orders/{orderId}/exports/{id}", row.View(links, order.Template(), clock.GetUtcNow()));
    }

    private static async Task<IResult> List(Guid orderId, HttpContext http, NpgsqlDataSource db, ExportLinks links, TimeProvider clock)
    {
        await using var connection = await db.OpenConnectionAsync();
        var order = await OwnOrderAsync(connection, orderId, http);
        if (order is null) return Problems.NotFound($"Order {orderId}");
        var rows = await connection.QueryAsync<ExportRow>(
            $"SELECT {Columns} FROM label_exports WHERE order_id = @orderId ORDER BY created_at DESC LIMIT 100", new { orderId });
        var now = clock.GetUtcNow();
        return TypedResults.Ok(rows.Select(r => r.View(links, order.Template(), now)).ToList());
    }

    private static async Task<IResult> Get(Guid orderId, Guid exportId, HttpContext http, NpgsqlDataSource db, ExportLinks links, TimeProvider clock)
    {
        await using var connection = await db.OpenConnectionAsync();
        var order = await OwnOrderAsync(connection, orderId, http);
        if (order is null) return Problems.NotFound($"Order {orderId}");
        var row = await connection.QuerySingleOrDefaultAsync<ExportRow>(
            $"SELECT {Columns} FROM label_exports WHERE order_id = @orderId AND id = @exportId", new { orderId, exportId });
        return row is null ? Problems.NotFound($"Export {exportId}") : TypedResults.Ok(row.View(links, order.Template(), clock.GetUtcNow()));
    }
}
