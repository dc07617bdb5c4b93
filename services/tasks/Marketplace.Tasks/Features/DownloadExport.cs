using Dapper;
using Marketplace.ServiceDefaults.Content;
using Marketplace.Tasks.Domain;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A finished export behind its signed link: no token (the signature is the authorisation, so the link can be handed to
/// a download tool), streamed from the content store with range requests, every access logged.
/// </summary>
public static class DownloadExport
{
    public static RouteGroupBuilder MapDownloadExport(this RouteGroupBuilder group)
    {
        group.MapMethods("/{orderId:guid}/{name}", [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous()
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/x-ndjson", "application/json")
            .Produces(StatusCodes.Status206PartialContent, typeof(Stream), "application/x-ndjson", "application/json")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Serve(Guid orderId, string name, string? expires, string? sig, HttpContext http, ExportLinks links,
        NpgsqlDataSource db, IContentStore store, TimeProvider clock, ILogger<ExportLinks> logger)
    {
        var now = clock.GetUtcNow();
        var check = links.Links.Verify(orderId, name, expires, sig, now);
        if (check != LinkCheck.Valid)
        {
            logger.LogWarning("Export link for order {OrderId} file {Name} refused: {Check}", orderId, name, check);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link not valid", detail: check switch
            {
                LinkCheck.Unsigned => "This link carries no 'expires' and 'sig': exports are served only through the signed links the API hands out.",
                LinkCheck.Expired => "This link has expired; get the export again for a fresh one.",
                _ => "This link's signature does not match; use the link exactly as the API handed it out.",
            });
        }
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var file = await connection.QuerySingleOrDefaultAsync<(string StorageKey, string Format, DateTime FinishedAt)?>("""
            SELECT storage_key, format, finished_at FROM label_exports WHERE order_id = @orderId AND file_name = @name AND status = 'ready'
            """, new { orderId, name });
        if (file is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Export '{name}' was not found.");
        Stream stream;
        try
        {
            stream = store.OpenRead(file.Value.StorageKey);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Export '{name}' is no longer stored.");
        }
        logger.LogInformation("Export served: order {OrderId} file {Name} ({Method} range {Range}) to {Remote}",
            orderId, name, http.Request.Method, http.Request.Headers.Range.ToString(), http.Connection.RemoteIpAddress?.ToString());
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, file.Value.Format == "jsonl" ? "application/x-ndjson" : "application/json", fileDownloadName: name,
            lastModified: new DateTimeOffset(DateTime.SpecifyKind(file.Value.FinishedAt, DateTimeKind.Utc)),
            entityTag: new EntityTagHeaderValue($"\"{name}\""), enableRangeProcessing: true);
    }
}
