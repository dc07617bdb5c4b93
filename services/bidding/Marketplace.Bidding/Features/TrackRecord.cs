using Dapper;
using Marketplace.Bidding.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>
/// A vendor's measured record, public to enterprises, vendors and operators: counted from its contracts and the facts
/// orders told bidding about them (delivered, rework requested, accepted), never typed in.
/// </summary>
public static class TrackRecord
{
    /// <param name="OnTimeScore">The smoothed on-time rate the bid score uses (0.8 with no record).</param>
    /// <param name="PassScore">The smoothed pass rate the bid score uses (0.8 with no record).</param>
    public sealed record RecordView(Guid VendorOrgId, string VendorName, int Contracts, int Delivered, int OnTime, decimal? OnTimeRate,
        int Accepted, int PassedFirstTime, decimal? PassRate, decimal OnTimeScore, decimal PassScore);

    public static RouteGroupBuilder MapTrackRecord(this RouteGroupBuilder vendors)
    {
        vendors.MapGet("/{vendorOrgId:guid}/record", Get).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator))
            .Produces<RecordView>().ProducesProblem(StatusCodes.Status404NotFound);
        return vendors;
    }

    private static async Task<IResult> Get(Guid vendorOrgId, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var names = await CallRows.VendorNamesAsync(connection, [vendorOrgId]);
        var record = (await CallRows.RecordsAsync(connection, [vendorOrgId]))[vendorOrgId];
        if (!names.ContainsKey(vendorOrgId) && record.Contracts == 0) return Problems.NotFound($"Vendor {vendorOrgId}");
        return TypedResults.Ok(View(vendorOrgId, names.GetValueOrDefault(vendorOrgId, ""), record));
    }

    public static RecordView View(Guid vendorOrgId, string name, VendorRecord r) =>
        new(vendorOrgId, name, r.Contracts, r.Delivered, r.OnTime, r.OnTimeRate, r.Accepted, r.PassedFirstTime, r.PassRate,
            BidScoring.Smoothed(r.OnTime, r.Delivered), BidScoring.Smoothed(r.PassedFirstTime, r.Accepted));
}
