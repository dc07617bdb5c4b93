using Marketplace.ServiceDefaults.Content;
using Dapper;
using FluentValidation;
using Marketplace.Orders.Features;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// A draft order's dataset arrives as a resumable upload: start it, send chunks with the offset they start at (a dropped
/// connection resumes from the received size rather than restarting), then complete it. Completing runs a durable job
/// that validates every row and imports them all, or rejects the whole file with the first bad rows and their lines.
/// </summary>
public static class DatasetUploads
{
    public const string OffsetHeader = "Upload-Offset";
    public const long MaxChunkBytes = 64L * 1024 * 1024;

    public sealed record StartRequest(string Format, long? ExpectedBytes);

    public sealed class StartValidator : AbstractValidator<StartRequest>
    {
        public StartValidator()
        {
            RuleFor(r => r.Format).Must(f => f is "jsonl" or "csv").WithMessage("'Format' must be jsonl or csv.");
            RuleFor(r => r.ExpectedBytes).InclusiveBetween(1, 20L * 1024 * 1024 * 1024).When(r => r.ExpectedBytes is not null);
        }
    }

    public sealed class UploadView
    {
        public Guid Id { get; init; }
        public Guid OrderId { get; init; }
        public string Format { get; init; } = "";
        public string Status { get; init; } = "";
        public long ReceivedBytes { get; init; }
        public long? ExpectedBytes { get; init; }
        public long RowsChecked { get; init; }
        public long RowsImported { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public string ErrorsJson { get; init; } = "[]";
        public System.Text.Json.JsonElement Errors => System.Text.Json.JsonDocument.Parse(ErrorsJson).RootElement.Clone();
        public decimal? ReceivedPercent => ExpectedBytes is > 0 ? Math.Round(100m * ReceivedBytes / ExpectedBytes.Value, 1) : null;
        public DateTime CreatedAt { get; init; }
        public DateTime? CompletedAt { get; init; }
    }

    public static string Key(Guid uploadId, string format) => $"uploads/{uploadId:N}.{format}";

    private const string Select = """
        SELECT u.id, u.order_id, u.format, u.status, u.received_bytes, u.expected_bytes, u.rows_checked, u.rows_imported,
               u.errors::text AS errors_json, u.created_at, u.completed_at
        FROM dataset_uploads u JOIN orders o ON o.id = u.order_id
        """;

    public static RouteGroupBuilder MapDatasetUploads(this RouteGroupBuilder group)
    {
        group.MapPost("/{orderId:guid}/uploads", Start).RequireAuthorization(Roles.Enterprise).Validate<StartRequest>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).Produces<UploadView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{orderId:guid}/uploads/{uploadId:guid}", Append).RequireAuthorization(Roles.Enterprise)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxChunkBytes))
            .WithRawBody($"The next chunk of the dataset (at most {MaxChunkBytes} bytes).")
            .WithHeader(OffsetHeader, required: true, "The chunk's first byte within the file: the upload's receivedBytes.")
            .Produces<UploadView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status411LengthRequired).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{orderId:guid}/uploads/{uploadId:guid}", Get).RequireAuthorization(Roles.Enterprise)
            .Produces<UploadView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{orderId:guid}/uploads/{uploadId:guid}/complete", Complete).RequireAuthorization(Roles.Enterprise)
            .Produces<UploadView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static Task<UploadView?> Find(NpgsqlConnection connection, Guid orderId, Guid uploadId, Guid orgId) =>
        connection.QuerySingleOrDefaultAsync<UploadView>($"{Select} WHERE u.id = @uploadId AND u.order_id = @orderId AND o.enterprise_org_id = @orgId",
            new { uploadId, orderId, orgId });

    private static async Task<IResult> Start(Guid orderId, StartRequest request, HttpContext http, NpgsqlDataSource db, IOptions<DatasetLimits> limits)
    {
        var caller = Caller.From(http.User);
        if (request.ExpectedBytes > limits.Value.MaxUploadBytes) return OrganisationStorage.UploadTooLarge(request.ExpectedBytes.Value, limits.Value);
        await using var connection = await db.OpenConnectionAsync();
        var status = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM orders WHERE id = @orderId AND enterprise_org_id = @OrgId", new { orderId, caller.OrgId });
        if (status is null) return Problems.NotFound($"Order {orderId}");
        if (status != "draft") return Problems.Conflict($"Order {orderId} is {status}; a dataset can be uploaded only to a draft.", status);
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync("INSERT INTO dataset_uploads (id, order_id, format, expected_bytes) VALUES (@id, @orderId, @Format, @ExpectedBytes)",
            new { id, orderId, request.Format, request.ExpectedBytes });
        return TypedResults.Created($"/orders/{orderId}/uploads/{id}", await Find(connection, orderId, id, caller.OrgId));
    }

    private static async Task<IResult> Append(Guid orderId, Guid uploadId, HttpContext http, NpgsqlDataSource db, IContentStore store,
        IOptions<DatasetLimits> limits)
    {
        var caller = Caller.From(http.User);
        if (!long.TryParse(http.Request.Headers[OffsetHeader], out var offset) || offset < 0)
            return Problems.BadRequest(OffsetHeader, $"Send the chunk's starting byte in an {OffsetHeader} header (GET the upload for its received size).");
        // The chunk's size is known before a byte is stored, so a chunk past a limit stores nothing.
        if (http.Request.ContentLength is not { } length)
            return TypedResults.Problem(title: "Length required", detail: "Send the chunk with a Content-Length.",
                statusCode: StatusCodes.Status411LengthRequired, extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "request.length_required" });
        if (offset + length > limits.Value.MaxUploadBytes) return OrganisationStorage.UploadTooLarge(offset + length, limits.Value);
        await using var connection = await db.OpenConnectionAsync();
        var upload = await Find(connection, orderId, uploadId, caller.OrgId);
        if (upload is null) return Problems.NotFound($"Upload {uploadId}");
        if (upload.Status != "receiving") return Problems.Conflict($"Upload {uploadId} is {upload.Status}; it takes no more data.", upload.Status);
        if (offset == upload.ReceivedBytes && await OrganisationStorage.CheckAsync(connection, caller.OrgId, length, limits.Value) is { } full) return full;

        var stored = await store.AppendAsync(Key(uploadId, upload.Format), offset, http.Request.Body, http.RequestAborted);
        if (stored is null)
        {
            var received = await store.LengthAsync(Key(uploadId, upload.Format), http.RequestAborted);
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Wrong offset",
                Detail = $"This upload has {received} bytes; send the chunk that starts there.",
                Extensions = { ["receivedBytes"] = received },
            });
        }
        await connection.ExecuteAsync("UPDATE dataset_uploads SET received_bytes = @stored, updated_at = now() WHERE id = @uploadId",
            new { stored, uploadId });
        return TypedResults.Ok(await Find(connection, orderId, uploadId, caller.OrgId));
    }

    private static async Task<IResult> Get(Guid orderId, Guid uploadId, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await Find(connection, orderId, uploadId, Caller.From(http.User).OrgId) is { } upload
            ? TypedResults.Ok(upload) : Problems.NotFound($"Upload {uploadId}");
    }

    private static async Task<IResult> Complete(Guid orderId, Guid uploadId, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var upload = await Find(connection, orderId, uploadId, caller.OrgId);
        if (upload is null) return Problems.NotFound($"Upload {uploadId}");
        if (upload.Status != "receiving") return Problems.Conflict($"Upload {uploadId} is {upload.Status}.", upload.Status);
        if (upload.ReceivedBytes == 0) return Problems.Conflict($"Upload {uploadId} has no data yet.", upload.Status);
        if (upload.ExpectedBytes is { } expected && expected != upload.ReceivedBytes)
            return Problems.Conflict($"Upload {uploadId} has {upload.ReceivedBytes} of {expected} bytes; send the rest first.", upload.Status);
        await connection.ExecuteAsync("UPDATE dataset_uploads SET status = 'validating', updated_at = now() WHERE id = @uploadId", new { uploadId }, tx);
        await JobIntents.EnqueueAsync<ImportDataset, ImportDataset.Payload>(tx, new(uploadId), uniqueKey: $"import:{uploadId}");
        await tx.CommitAsync();
        return TypedResults.Accepted($"/orders/{orderId}/uploads/{uploadId}", await Find(connection, orderId, uploadId, caller.OrgId));
    }
}
