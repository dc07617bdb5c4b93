using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Organisations;

/// <summary>
/// A person's place in an organisation: its role there. A token acts for one membership: <c>org</c> is the organisation,
/// <c>role</c> the organisation's kind (enterprise, vendor, worker, operator) and <c>org_role</c> the member's role.
/// </summary>
public sealed record Membership(Guid OrganisationId, string OrganisationName, string OrganisationKind, string OrgRole, DateTime JoinedAt)
{
    private const string Select = """
        SELECT m.organisation_id, o.name AS organisation_name, o.kind AS organisation_kind, m.org_role, m.joined_at
        FROM memberships m JOIN organisations o ON o.id = m.organisation_id
        """;

    /// <summary>The membership a sign-in acts for: the organisation the person founded while they are still in it, else
    /// the one they joined first; null when they belong to none (every membership was removed).</summary>
    public static Task<Membership?> DefaultAsync(NpgsqlConnection connection, Guid userId, Guid homeOrganisationId) =>
        connection.QuerySingleOrDefaultAsync<Membership>($"""
            {Select}
            WHERE m.user_id = @userId
            ORDER BY (m.organisation_id = @homeOrganisationId) DESC, m.joined_at, m.organisation_id
            LIMIT 1
            """, new { userId, homeOrganisationId });

    public static Task<Membership?> FindAsync(NpgsqlConnection connection, Guid userId, Guid organisationId) =>
        connection.QuerySingleOrDefaultAsync<Membership>($"{Select} WHERE m.user_id = @userId AND m.organisation_id = @organisationId",
            new { userId, organisationId });

    public static async Task<(IReadOnlyList<Membership> Items, long Total)> ListAsync(NpgsqlConnection connection, Guid userId, int page, int size)
    {
        var items = (await connection.QueryAsync<Membership>($"""
            {Select} WHERE m.user_id = @userId ORDER BY m.joined_at, m.organisation_id LIMIT @size OFFSET @offset
            """, new { userId, size, offset = (page - 1) * size })).ToList();
        var total = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM memberships WHERE user_id = @userId", new { userId });
        return (items, total);
    }
}


/// <summary>The organisations a person may invite colleagues into: an enterprise's or a vendor's (a worker's is personal,
/// the operators' are created by operators).</summary>
public static class OrganisationKinds
{
    public static bool HasMembers(string kind) => kind is Roles.Enterprise or Roles.Vendor;
}
