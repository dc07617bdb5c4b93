using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using FluentValidation;
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

    /// <summary>
    /// name@domain.tld, no spaces, nothing invisible (<see cref="InvisibleIn"/>): enough to catch typos and look-alike
    /// addresses; ownership would be proven by a confirmation mail.
    /// </summary>
    public static bool IsEmailShaped(string? email) => email is not null && InvisibleIn(email) is null && EmailShape().IsMatch(email.Trim());

    /// <summary>
    /// The first character of <paramref name="email"/> that shows nothing or changes the text's direction (zero-width
    /// spaces and joiners, bidi marks and overrides, other format characters, private-use or unassigned code points, a lone
    /// surrogate), or null. Such an address could display exactly like another account's.
    /// </summary>
    public static char? InvisibleIn(string? email)
    {
        if (email is null) return null;
        for (var i = 0; i < email.Length; i++)
        {
            var c = email[i];
            if (char.IsHighSurrogate(c) && i + 1 < email.Length && char.IsLowSurrogate(email[i + 1])) { i++; continue; }
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                return c;
        }
        return null;
    }

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

public static class EmailRules
{
    /// <summary>An e-mail address every account endpoint accepts: present, at most 254 characters, nothing invisible, name@domain.tld.</summary>
    public static IRuleBuilderOptions<T, string> AnEmailAddress<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(254)
            .Must(e => Account.InvisibleIn(e) is null)
            .WithMessage((_, e) => $"'Email' holds the invisible or direction-changing character U+{(int)Account.InvisibleIn(e)!.Value:X4}; type the address plainly.")
            .WithErrorCode("validation.invisible_character")
            .Must(Account.IsEmailShaped).WithMessage("'Email' must be an e-mail address such as name@example.com.");
}
