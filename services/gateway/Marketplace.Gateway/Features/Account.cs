using Dapper;
using Npgsql;

namespace Marketplace.Gateway.Features;

public sealed record Account(Guid Id, Guid OrganisationId, string Email, string PasswordHash, string Role, string DisplayName,
    string OrganisationName, string OrganisationKind, DateTime CreatedAt)
{
    public static readonly Guid OperatorsOrganisation = Guid.Parse("00000000-0000-0000-0000-00000000000f");

    private const string Select = """
        SELECT u.id, u.organisation_id, u.email, u.password_hash, u.role, u.display_name,
               o.name AS organisation_name, o.kind AS organisation_kind, u.created_at
        FROM users u JOIN organisations o ON o.id = u.organisation_id
        """;

    public static Task<Account?> ByEmailAsync(NpgsqlConnection connection, string email) =>
        connection.QuerySingleOrDefaultAsync<Account>($"{Select} WHERE u.email = @email", new { email = email.Trim().ToLowerInvariant() });

    public static Task<Account?> ByIdAsync(NpgsqlConnection connection, Guid id) =>
        connection.QuerySingleOrDefaultAsync<Account>($"{Select} WHERE u.id = @id", new { id });

    public static Task<IEnumerable<Account>> ListAsync(NpgsqlConnection connection, string? role, int take) =>
        connection.QueryAsync<Account>($"{Select} WHERE @role::text IS NULL OR u.role = @role ORDER BY u.created_at DESC LIMIT @take",
            new { role, take });

    public UserView View() => new(Id, Email, Role, DisplayName, OrganisationId, OrganisationName, OrganisationKind, CreatedAt);
}

/// <summary>What anyone is shown of an account: never the password hash.</summary>
public sealed record UserView(Guid UserId, string Email, string Role, string DisplayName, Guid OrganisationId,
    string OrganisationName, string OrganisationKind, DateTime CreatedAt);
