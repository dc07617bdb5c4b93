using Dapper;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// What an organisation keeps in the content store, bounded by <see cref="DatasetLimits.MaxOrganisationBytes"/>: its
/// orders' current datasets, uploads still in flight and media files. Rejected and replaced uploads are not counted.
/// A request that would pass the bound is refused before a byte is stored (413 <c>dataset.storage_full</c>); so is an
/// upload larger than <see cref="DatasetLimits.MaxUploadBytes"/> (413 <c>dataset.too_large</c>).
/// </summary>
public static class OrganisationStorage
{
    public static Task<long> UsedAsync(NpgsqlConnection connection, Guid orgId) =>
        connection.ExecuteScalarAsync<long>("""
            SELECT coalesce((SELECT sum(o.dataset_bytes) FROM orders o WHERE o.enterprise_org_id = @orgId), 0)
                 + coalesce((SELECT sum(u.received_bytes) FROM dataset_uploads u JOIN orders o ON o.id = u.order_id
                             WHERE o.enterprise_org_id = @orgId AND u.status IN ('receiving', 'validating', 'importing')), 0)
                 + coalesce((SELECT sum(f.bytes) FROM content_files f JOIN orders o ON o.id = f.order_id
                             WHERE o.enterprise_org_id = @orgId), 0)
            """, new { orgId });

    /// <returns>a 413 when <paramref name="adding"/> more bytes would pass the organisation's bound, else null.</returns>
    public static async Task<ProblemHttpResult?> CheckAsync(NpgsqlConnection connection, Guid orgId, long adding, DatasetLimits limits)
    {
        var used = await UsedAsync(connection, orgId);
        if (used + adding <= limits.MaxOrganisationBytes) return null;
        return TypedResults.Problem(title: "Storage full",
            detail: $"Your organisation stores {used} bytes; {adding} more would pass its limit of {limits.MaxOrganisationBytes} bytes. Nothing was stored.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "dataset.storage_full", ["maxBytes"] = limits.MaxOrganisationBytes, ["usedBytes"] = used });
    }

    public static ProblemHttpResult UploadTooLarge(long bytes, DatasetLimits limits) =>
        TypedResults.Problem(title: "Dataset too large",
            detail: $"This upload would hold {bytes} bytes; one upload holds at most {limits.MaxUploadBytes} bytes. Nothing was stored.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "dataset.too_large", ["maxBytes"] = limits.MaxUploadBytes });
}
