using Dapper;
using Marketplace.ServiceDefaults.Content;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// A content:// file behind a signed link (see <see cref="ContentLinks"/>): no token, the signature is the authorisation,
/// so an &lt;img&gt; or &lt;audio&gt; element can load it. Range requests let a player seek; every access is logged.
/// </summary>
public static class ServeContent
{
    private sealed class StoredFile
    {
        public string StorageKey { get; init; } = "";
        public string MediaType { get; init; } = "";
        public string Sha256 { get; init; } = "";
        public DateTime UpdatedAt { get; init; }
    }

    public static RouteGroupBuilder MapServeContent(this RouteGroupBuilder group)
    {
        group.MapMethods("/{orderId:guid}/{**name}", [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous()
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, typeof(Stream), "application/octet-stream")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Serve(Guid orderId, string name, string? expires, string? sig, HttpContext http, ContentLinks links,
        NpgsqlDataSource db, IContentStore store, TimeProvider clock, ILogger<ContentLinks> logger)
    {
        var now = clock.GetUtcNow();
        var check = links.Verify(orderId, name, expires, sig, now);
        if (check != LinkCheck.Valid)
        {
            logger.LogWarning("Content link for order {OrderId} file {Name} refused: {Check}", orderId, name, check);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link not valid", detail: check switch
            {
                LinkCheck.Unsigned => "This link carries no 'expires' and 'sig': content is served only through the signed links the API hands out.",
                LinkCheck.Expired => "This link has expired; fetch the item again for a fresh one.",
                _ => "This link's signature does not match; use the link exactly as the API handed it out.",
            });
        }
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var file = await connection.QuerySingleOrDefaultAsync<StoredFile>(
            "SELECT storage_key, media_type, sha256, updated_at FROM content_files WHERE order_id = @orderId AND name = @name", new { orderId, name });
        if (file is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"File '{name}' was not found.");
        Stream stream;
        try
        {
            stream = store.OpenRead(file.StorageKey);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Replaced a moment ago: the row read above points at bytes that are gone; the next request gets the new ones.
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"File '{name}' was just replaced; load it again.");
        }
        logger.LogInformation("Content served: order {OrderId} file {Name} ({Method} range {Range}) to {Remote}",
            orderId, name, http.Request.Method, http.Request.Headers.Range.ToString(), http.Connection.RemoteIpAddress?.ToString());
        var secondsLeft = Math.Max(0, long.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture) - now.ToUnixTimeSeconds());
        http.Response.Headers.CacheControl = $"private, max-age={secondsLeft}";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, file.MediaType, lastModified: new DateTimeOffset(DateTime.SpecifyKind(file.UpdatedAt, DateTimeKind.Utc)),
            entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
    }
}
