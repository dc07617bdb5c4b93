using Dapper;
using FluentValidation;
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

    public sealed record Response(Guid UserId, Guid OrganisationId, string Role, string Email);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(254)
                .Must(Account.IsEmailShaped).WithMessage("'Email' must be an e-mail address such as name@example.com.");
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
        group.MapPost("/register", Handle).AllowAnonymous().Validate<Request>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<Response>, ProblemHttpResult>> Handle(
        Request request, NpgsqlDataSource db, IPasswordHasher<Account> hasher)
    {
        var email = Account.NormaliseEmail(request.Email);
        var displayName = request.DisplayName.Trim();
        var userId = Guid.CreateVersion7();
        var orgId = Guid.CreateVersion7();
        var organisationName = request.Role == Roles.Worker ? displayName : request.OrganisationName!.Trim();
        var hash = hasher.HashPassword(null!, request.Password);

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
            return Problems.Conflict($"An account with the e-mail {email} already exists; sign in instead.", code: "account.email_taken");
        }
        await tx.CommitAsync();
        return TypedResults.Created("/api/auth/me", new Response(userId, orgId, request.Role, email));
    }
}
