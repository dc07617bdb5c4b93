using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>A user with their organisation, as the account endpoints read it.</summary>
public sealed partial record Account(Guid Id, Guid OrganisationId, string Email, string PasswordHash, string Role, string DisplayName,
    string OrganisationName, string OrganisationKind, DateTime CreatedAt, int TokenVersion)
{
    /// <summary>Seeded by 0001_create_accounts.sql: the one organisation every operator belongs to.</summary>
    public static readonly Guid OperatorsOrganisation = Guid.Parse("00000000-0000-0000-0000-00000000000f");

    internal const string Select = """
        SELECT u.id, u.organisation_id, u.email, u.password_hash, u.role, u.display_name,
               o.name AS organisation_name, o.kind AS organisation_kind, u.created_at, u.token_version
        FROM users u JOIN organisations o ON o.id = u.organisation_id
        """;

    /// <summary>E-mails are stored trimmed and lower-cased, so "Ann@X.test" and "ann@x.test" are one account.</summary>
    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>name@domain.tld, no spaces: enough to catch typos; ownership would be proven by a confirmation mail.</summary>
    /// <summary>
    /// An address shape with nothing invisible in it: a zero-width or direction-changing character (Unicode format
    /// characters such as U+200B or U+202E), a control character or half a surrogate pair would let one account display
    /// exactly like another's address.
    /// </summary>
    public static bool IsEmailShaped(string? email) =>
        email is not null && EmailShape().IsMatch(email.Trim()) && !email.Any(c => char.GetUnicodeCategory(c) is
            System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Control
            or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse
            or System.Globalization.UnicodeCategory.OtherNotAssigned);

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")]
    private static partial Regex EmailShape();

    public static Task<Account?> ByEmailAsync(NpgsqlConnection connection, string email, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Account>($"{Select} WHERE u.email = @email", new { email = NormaliseEmail(email) }, tx);

    public static Task<Account?> ByIdAsync(NpgsqlConnection connection, Guid id) =>
        connection.QuerySingleOrDefaultAsync<Account>($"{Select} WHERE u.id = @id", new { id });

    public static Task<IEnumerable<Account>> ListAsync(NpgsqlConnection connection, string? role, int take) =>
        connection.QueryAsync<Account>($"""
            {Select}
            WHERE @role::text IS NULL OR u.role = @role
            ORDER BY u.created_at DESC, u.id DESC
            LIMIT @take
            """, new { role, take });

    public UserView View() => new(Id, Email, Role, DisplayName, OrganisationId, OrganisationName, OrganisationKind, CreatedAt);
}

/// <summary>What anyone is shown of an account: never the password hash.</summary>
public sealed record UserView(Guid UserId, string Email, string Role, string DisplayName, Guid OrganisationId,
    string OrganisationName, string OrganisationKind, DateTime CreatedAt);
