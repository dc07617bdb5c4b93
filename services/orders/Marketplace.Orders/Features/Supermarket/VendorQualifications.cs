using Dapper;
using Marketplace.Contracts.Bidding;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features.Supermarket;

/// <summary>
/// What a vendor is qualified for, whole, told to bidding (which decides who sees a call) in the transaction of the change
/// that caused it: after each certification decision and each listing created, changed or removed. The snapshot holds
/// every approved certification still valid today and the union of the vendor's listings' task types and industries.
/// Concurrent changes of one vendor are serialised on its advisory lock, so the snapshot committed last is the newest.
/// </summary>
public static class VendorQualifications
{
    public static async Task PublishAsync(NpgsqlTransaction tx, Outbox outbox, Guid vendorOrgId)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('vendor-qualifications:' || @vendorOrgId::text, 0))",
            new { vendorOrgId }, tx);
        var certificates = (await connection.QueryAsync<(string Grade, DateTime ValidUntil)>("""
            SELECT grade, valid_until FROM vendor_certifications
            WHERE vendor_org_id = @vendorOrgId AND status = 'approved' AND valid_until >= current_date
            ORDER BY valid_until DESC
            """, new { vendorOrgId }, tx))
            .Select(c => new VendorCertificate(c.Grade, DateOnly.FromDateTime(c.ValidUntil))).ToList();
        var listings = await connection.QuerySingleAsync<Covered>("""
            SELECT (SELECT vendor_name FROM vendor_listings WHERE vendor_org_id = @vendorOrgId ORDER BY updated_at DESC LIMIT 1) AS vendor_name,
                   (SELECT array_agg(DISTINCT t ORDER BY t) FROM vendor_listings, unnest(task_types) t WHERE vendor_org_id = @vendorOrgId) AS task_types,
                   (SELECT array_agg(DISTINCT i ORDER BY i) FROM vendor_listings, unnest(industries) i WHERE vendor_org_id = @vendorOrgId) AS industries
            """, new { vendorOrgId }, tx);
        // clock_timestamp(): later than any snapshot of this vendor committed before the lock was granted.
        var occurredAt = await connection.ExecuteScalarAsync<DateTime>("SELECT clock_timestamp()", transaction: tx);
        await outbox.AddAsync(tx, new VendorQualificationsChanged(vendorOrgId, listings.VendorName ?? "", certificates,
            listings.TaskTypes ?? [], listings.Industries ?? [], new DateTimeOffset(DateTime.SpecifyKind(occurredAt, DateTimeKind.Utc))));
    }

    private sealed class Covered
    {
        public string? VendorName { get; init; }
        public string[]? TaskTypes { get; init; }
        public string[]? Industries { get; init; }
    }
}
