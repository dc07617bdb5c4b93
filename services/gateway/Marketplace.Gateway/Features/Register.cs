using Dapper;
using FluentValidation;
using Marketplace.Gateway.Notifications;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>
/// Anyone may join as an enterprise, a vendor or a worker. An enterprise or vendor founds its organisation;
/// a worker gets a personal one. Operators are created by an operator (or by the bootstrap), never by themselves.
/// </summary>
public static class Register
{
    public sealed record Request(string Email, string Password, string DisplayName, string Role, string? OrganisationName);

    /// <summary>The same for a new address and for one that has an account already: the answer tells nobody which.</summary>
    public sealed record Response(string Email, string Role);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).AnEmailAddress();
            RuleFor(r => r.Password).NotEmpty().MinimumLength(10).MaximumLength(200);
            RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Role).Must(r => Roles.SelfService.Contains(r))
                .WithMessage("'Role' must be enterprise, vendor or worker (operators are created by an operator).");
            RuleFor(r => r.OrganisationName).MaximumLength(200);
            RuleFor(r => r.OrganisationName).NotEmpty()
                .When(r => r.Role is Roles.Enterprise or Roles.Vendor)
                .WithMessage("'Organisation Name' is required for an enterprise or a vendor.");
        }
    }

    public static RouteGroupBuilder MapRegister(this RouteGroupBuilder group)
    {
        group.MapPost("/register", Handle).AllowAnonymous().Validate<Request>().LimitedBy(RateLimits.Registration);
        return group;
    }

    /// <summary>
    /// An address that has an account already is answered exactly as a new one (the password is hashed either way, so
    /// the time tells nothing either); nothing is created, and the account's owner is told in-app (at most once an hour)
    /// that someone tried. Whoever registered signs in next: only the owner's password opens the account.
    /// </summary>
    private static async Task<Created<Response>> Handle(Request request, NpgsqlDataSource db, IPasswordHasher<Account> hasher,
        TimeProvider clock)
    {
        var email = Account.NormaliseEmail(request.Email);
        var displayName = request.DisplayName.Trim();
        var userId = Guid.CreateVersion7();
        var orgId = Guid.CreateVersion7();
        var organisationName = request.Role == Roles.Worker ? displayName : request.OrganisationName!.Trim();
        var hash = hasher.HashPassword(null!, request.Password);
        var answer = TypedResults.Created("/api/auth/me", new Response(email, request.Role));

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO organisations (id, name, kind) VALUES (@orgId, @organisationName, @Role)
            """, new { orgId, organisationName, request.Role }, tx);
        // The UNIQUE e-mail decides between two registrations racing for the same address.
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO users (id, organisation_id, email, password_hash, role, display_name)
            VALUES (@userId, @orgId, @email, @hash, @Role, @displayName)
            ON CONFLICT (email) DO NOTHING
            """, new { userId, orgId, email, hash, request.Role, displayName }, tx);
        if (inserted == 0)
        {
            await tx.RollbackAsync();
            await TellOwnerAsync(connection, email, clock.GetUtcNow());
            return answer;
        }
        await tx.CommitAsync();
        return answer;
    }

    private static async Task TellOwnerAsync(NpgsqlConnection connection, string email, DateTimeOffset now)
    {
        await using var tx = await connection.BeginTransactionAsync();
        var owner = await connection.ExecuteScalarAsync<Guid?>("""
            SELECT u.id FROM users u
            WHERE u.email = @email
              AND NOT EXISTS (SELECT 1 FROM notifications n
                              WHERE n.user_id = u.id AND n.kind = @Kind AND n.occurred_at > @since)
            """, new { email, Kind = Kinds.RegistrationAttempted, since = (now - TimeSpan.FromHours(1)).UtcDateTime }, tx);
        if (owner is { } id)
            await Notices.AddAsync(tx, Guid.CreateVersion7(), [new Notice(new Recipient.User(id), Kinds.RegistrationAttempted, new { }, now)]);
        await tx.CommitAsync();
    }
}
