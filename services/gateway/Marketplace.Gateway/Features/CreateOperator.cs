using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>An operator adds another operator; the first one comes from configuration (see OperatorBootstrap).</summary>
public static class CreateOperator
{
    public sealed record Request(string Email, string Password, string DisplayName);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).AnEmailAddress();
            RuleFor(r => r.Password).NotEmpty().MinimumLength(10).MaximumLength(200);
            RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(100);
        }
    }

    /// <summary>Operators create operators: they may be told that an address is taken.</summary>
    public sealed record Response(Guid UserId, Guid OrganisationId, string Role, string Email);

    public static RouteGroupBuilder MapCreateOperator(this RouteGroupBuilder group)
    {
        group.MapPost("/operators", async Task<Results<Created<Response>, ProblemHttpResult>> (
            Request request, NpgsqlDataSource db, IPasswordHasher<Account> hasher) =>
        {
            var email = Account.NormaliseEmail(request.Email);
            await using var connection = await db.OpenConnectionAsync();
            var userId = await CreateAsync(connection, request, hasher);
            return userId is null
                ? Problems.Conflict($"An account with the e-mail {email} already exists.", code: "account.email_taken")
                : TypedResults.Created($"/api/auth/users?role={Roles.Operator}",
                    new Response(userId.Value, Account.OperatorsOrganisation, Roles.Operator, email));
        }).RequireAuthorization(Roles.Operator).Validate<Request>().ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <returns>The new operator's id, or null when the e-mail is taken (by anyone, of any role).</returns>
    public static async Task<Guid?> CreateAsync(NpgsqlConnection connection, Request request, IPasswordHasher<Account> hasher)
    {
        var userId = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO users (id, organisation_id, email, password_hash, role, display_name)
            VALUES (@userId, @org, @email, @hash, 'operator', @displayName)
            ON CONFLICT (email) DO NOTHING
            """, new
        {
            userId,
            org = Account.OperatorsOrganisation,
            email = Account.NormaliseEmail(request.Email),
            hash = hasher.HashPassword(null!, request.Password),
            displayName = request.DisplayName.Trim(),
        });
        return inserted == 1 ? userId : null;
    }
}
