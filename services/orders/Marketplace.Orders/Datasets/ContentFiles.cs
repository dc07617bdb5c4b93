using Dapper;
using Marketplace.Labeling;
using Marketplace.Orders.Features.Supermarket;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// The images and audio of a draft order, uploaded one file per request (the raw bytes as the body) before the manifest
/// that points at them as content://&lt;order&gt;/&lt;name&gt;. The type is decided by the file's first bytes; the bytes stream
/// to the content store, hashed on the way, so re-sending the same file changes nothing and different bytes replace it.
/// </summary>
public static class ContentFiles
{
    public sealed class FileView
    {
        public Guid OrderId { get; init; }
        public string Name { get; init; } = "";
        public string Uri => ContentUri.For(OrderId, Name);
        public long Bytes { get; init; }
        public string MediaType { get; init; } = "";
        public string Sha256 { get; init; } = "";
        /// <summary>An image's size in pixels as shown (JPEG EXIF orientation applied); null for audio.</summary>
        public int? Width { get; init; }
        public int? Height { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        /// <summary>A short-lived signed link to the bytes, for a preview.</summary>
        public string? Url { get; set; }
        [System.Text.Json.Serialization.JsonIgnore] public string StorageKey { get; init; } = "";
    }

    private const string Select = "SELECT order_id, name, bytes, media_type, sha256, width, height, created_at, updated_at, storage_key FROM content_files";

    public static RouteGroupBuilder MapContentFiles(this RouteGroupBuilder group)
    {
        // Any Content-Type is taken (the bytes decide the type), so no Accepts(): routing would answer 415 to the others.
        group.MapPut("/{orderId:guid}/files/{**name}", Upload).RequireAuthorization(Roles.Enterprise)
            .WithRawBody("The file's bytes (an image or audio file; its bytes decide the type).")
            .Produces<FileView>(StatusCodes.Status201Created).Produces<FileView>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/{orderId:guid}/files", List).RequireAuthorization("enterprise-or-operator")
            .Produces<PageOf<FileView>>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static ProblemHttpResult Refused(int status, string title, string name, string detail) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Extensions = { ["errors"] = new Dictionary<string, string[]> { ["name"] = [detail] } },
        });

    private static ProblemHttpResult TooLarge(string name, long max) =>
        Refused(StatusCodes.Status413PayloadTooLarge, "File too large", name, $"'{name}' is larger than {max / (1024 * 1024)} MB ({max} bytes), the most one file may be.");

    private static async Task<IResult> Upload(Guid orderId, string name, HttpContext http, NpgsqlDataSource db, IContentStore store,
        IOptions<ContentOptions> options, IOptions<DatasetLimits> limits, ContentLinks links, TimeProvider clock, ILogger<FileView> logger)
    {
        var caller = Caller.From(http.User);
        var ct = http.RequestAborted;
        if (!ContentUri.IsSafeName(name))
            return Problems.BadRequest("name", $"'{name}' is not a file name the store takes: use letters, digits, '-', '_' and '.', " +
                $"with '/' between sub-folders, at most {ContentUri.MaxNameLength} characters, and no '..'.");
        var max = options.Value.MaxFileBytes;
        if (http.Request.ContentLength > max) return TooLarge(name, max);

        await using var connection = await db.OpenConnectionAsync(ct);
        var status = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM orders WHERE id = @orderId AND enterprise_org_id = @OrgId", new { orderId, caller.OrgId });
        if (status is null) return Problems.NotFound($"Order {orderId}");
        if (status != "draft") return Problems.Conflict($"Order {orderId} is {status}; files can be uploaded only to a draft.", status);
        if (await OrganisationStorage.CheckAsync(connection, caller.OrgId, http.Request.ContentLength ?? max, limits.Value) is { } full) return full;

        // Before the first read (the setting locks then). The limit is ours to enforce while streaming (with a clear answer), not the server's default of 30 MB.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var head = new byte[MediaTypes.HeadLength];
        var got = await http.Request.Body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (got == 0) return Problems.BadRequest("body", $"'{name}' is empty: send the file's bytes as the request body.");
        var type = MediaTypes.Sniff(head.AsSpan(0, got));
        if (type is null)
            return Refused(StatusCodes.Status415UnsupportedMediaType, "Unsupported file type", name,
                $"'{name}' is not a JPEG, PNG, GIF or WebP image nor WAV, MP3, OGG, FLAC or M4A audio (judged by its first bytes, not its name).");

        var key = $"files/{orderId:N}/{Guid.CreateVersion7():N}";
        using var body = new MeasuredUpload(head[..got], http.Request.Body, max);
        try
        {
            await store.PutAsync(key, body, ct);
        }
        catch (FileTooLargeException)
        {
            return TooLarge(name, max);
        }

        string? obsoleteKey = key;
        try
        {
            PixelSize? size = null;
            if (type.Kind == MediaKind.Image)
            {
                await using (var bytes = store.OpenRead(key)) size = ImageSize.Read(bytes);
                if (size is null)
                    return Refused(StatusCodes.Status415UnsupportedMediaType, "Unsupported file type", name,
                        $"'{name}' starts as {type.Name} but its header gives no width and height: the file is damaged or cut short.");
            }
            var sha256 = body.Sha256Hex();
            await using var tx = await connection.BeginTransactionAsync(ct);
            // The order's row lock: the file and the order's state (still a draft) are decided together.
            status = await connection.ExecuteScalarAsync<string>("SELECT status FROM orders WHERE id = @orderId FOR UPDATE", new { orderId }, tx);
            if (status != "draft") return Problems.Conflict($"Order {orderId} is {status}; files can be uploaded only to a draft.", status);
            var existing = await connection.QuerySingleOrDefaultAsync<FileView>($"{Select} WHERE order_id = @orderId AND name = @name FOR UPDATE",
                new { orderId, name }, tx);
            IResult Answer(FileView file, bool created)
            {
                file.Url = links.LinkFor(orderId, name, clock.GetUtcNow());
                return created ? TypedResults.Created($"/orders/{orderId}/files/{name}", file) : TypedResults.Ok(file);
            }
            // The same bytes change nothing, unless the row predates image sizes and gains one now.
            if (existing is not null && existing.Sha256 == sha256 && existing.Bytes == body.BytesRead && (existing.Width is not null || size is null))
            {
                await tx.CommitAsync(ct);
                return Answer(existing, created: false);
            }
            if (existing is not null && MediaTypes.Named(existing.MediaType)?.Kind != type.Kind)
            {
                var used = await connection.ExecuteScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM order_items WHERE order_id = @orderId AND content = @uri)",
                    new { orderId, uri = ContentUri.For(orderId, name) }, tx);
                if (used)
                    return Refused(StatusCodes.Status409Conflict, "Conflict with the current state", name,
                        $"Items of this order point at '{name}' as {existing.MediaType}; it cannot become {type.Name}. Upload it under another name.");
            }
            await connection.ExecuteAsync("""
                INSERT INTO content_files (order_id, name, storage_key, bytes, media_type, sha256, width, height)
                VALUES (@orderId, @name, @key, @bytes, @mediaType, @sha256, @width, @height)
                ON CONFLICT (order_id, name) DO UPDATE
                SET storage_key = excluded.storage_key, bytes = excluded.bytes, media_type = excluded.media_type,
                    sha256 = excluded.sha256, width = excluded.width, height = excluded.height, updated_at = now()
                """, new { orderId, name, key, bytes = body.BytesRead, mediaType = type.Name, sha256, width = size?.Width, height = size?.Height }, tx);
            var stored = await connection.QuerySingleAsync<FileView>($"{Select} WHERE order_id = @orderId AND name = @name", new { orderId, name }, tx);
            await tx.CommitAsync(ct);
            obsoleteKey = existing?.StorageKey;
            logger.LogInformation("Order {OrderId} file {Name} stored: {Bytes} bytes of {MediaType}", orderId, name, stored.Bytes, stored.MediaType);
            return Answer(stored, created: existing is null);
        }
        finally
        {
            // The bytes no row points at any more: the new copy when nothing changed or it failed, else the replaced one.
            if (obsoleteKey is not null) await store.DeleteAsync(obsoleteKey, CancellationToken.None);
        }
    }

    private static async Task<IResult> List(Guid orderId, string? prefix, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db,
        ContentLinks links, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        // The common bounds (a huge page overflowed into a negative OFFSET: 500); 50 a page unless asked.
        if (Paging.Check(page, pageSize ?? 50, out var number, out var size) is { } bad) return bad;
        await using var connection = await db.OpenConnectionAsync();
        var owner = await connection.ExecuteScalarAsync<Guid?>("SELECT enterprise_org_id FROM orders WHERE id = @orderId", new { orderId });
        if (owner is null || (!caller.IsOperator && owner != caller.OrgId)) return Problems.NotFound($"Order {orderId}");
        const string where = "WHERE order_id = @orderId AND (@prefix::text IS NULL OR starts_with(name, @prefix))";
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM content_files {where}", new { orderId, prefix });
        var items = (await connection.QueryAsync<FileView>($"{Select} {where} ORDER BY name LIMIT @size OFFSET @skip",
            new { orderId, prefix, size, skip = (number - 1) * size })).ToList();
        var now = clock.GetUtcNow();
        foreach (var file in items) file.Url = links.LinkFor(orderId, file.Name, now);
        return TypedResults.Ok(new PageOf<FileView>(items, total, number, size));
    }
}
