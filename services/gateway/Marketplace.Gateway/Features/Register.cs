using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>
/// Anyone may join as an enterprise, a vendor or a worker. An enterprise or vendor founds its organisation;
/// a worker gets a personal one. Operators are created by an operator (or by infra/up.sh), never by themselves.
/// </summary>
public static class Register
{
    public sealed record Request(string Email, string Password, string DisplayName, string Role, string? OrganisationName);

    public sealed record Response(Guid UserId, Guid OrganisationId, string Role, string Email);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
            RuleFor(r => r.Password).NotEmpty().MinimumLength(10).MaximumLength(200);
            RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Role).NotEmpty().Must(r => Roles.SelfService.Contains(r))
                .WithMessage("'Role' must be enterprise, vendor or worker (operators are created by an operator).");
            RuleFor(r => r.OrganisationName).NotEmpty().MaximumLength(200)
                .When(r => r.Role is Roles.Enterprise or Roles.Vendor)
                .WithMessage("'Organisation Name' is required for an enterprise or a vendor (at most 200 characters).");
        }
    }

    public static RouteGroupBuilder MapRegister(this RouteGroupBuilder group)
    {
        group.MapPost("/register", Handle).AllowAnonymous().Validate<Request>();
        return group;
    }

    private static async Task<IResult> Handle(Request request, NpgsqlDataSource db, IPasswordHasher<Account> hasher)
    {
        var email = request.Email.Trim().ToLowerInvariant();
        var userId = Guid.CreateVersion7();
        var orgId = Guid.CreateVersion7();
        var organisationName = request.Role == Roles.Worker ? request.DisplayName : request.OrganisationName!;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("INSERT INTO organisations (id, name, kind) VALUES (@orgId, @organisationName, @Role)",
            new { orgId, organisationName, request.Role }, tx);
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO users (id, organisation_id, email, password_hash, role, display_name)
            VALUES (@userId, @orgId, @email, @hash, @Role, @DisplayName)
            ON CONFLICT (email) DO NOTHING
            """, new { userId, orgId, email, hash = hasher.HashPassword(null!, request.Password), request.Role, request.DisplayName }, tx);
        if (inserted == 0)
        {
            await tx.RollbackAsync();
            return Problems.Conflict($"An account with the e-mail {email} already exists; sign in instead.");
        }
        await tx.CommitAsync();
        return TypedResults.Created("/api/auth/me", new Response(userId, orgId, request.Role, email));
    }
}
