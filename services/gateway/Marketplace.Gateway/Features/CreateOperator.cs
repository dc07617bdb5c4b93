using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>An operator adds another operator; the first one is created by infra/up.sh (see OperatorBootstrap).</summary>
public static class CreateOperator
{
    public sealed record Request(string Email, string Password, string DisplayName);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
            RuleFor(r => r.Password).NotEmpty().MinimumLength(10).MaximumLength(200);
            RuleFor(r => r.DisplayName).NotEmpty().MaximumLength(100);
        }
    }

    public static RouteGroupBuilder MapCreateOperator(this RouteGroupBuilder group)
    {
        group.MapPost("/operators", async (Request request, NpgsqlDataSource db, IPasswordHasher<Account> hasher) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var userId = await CreateAsync(connection, request, hasher);
            return userId is null
                ? (IResult)Problems.Conflict($"An account with the e-mail {request.Email.Trim().ToLowerInvariant()} already exists.")
                : TypedResults.Created("/api/auth/users", new Register.Response(userId.Value, Account.OperatorsOrganisation, Roles.Operator,
                    request.Email.Trim().ToLowerInvariant()));
        }).RequireAuthorization(Roles.Operator).Validate<Request>();
        return group;
    }

    /// <returns>null when the e-mail is taken.</returns>
    public static async Task<Guid?> CreateAsync(NpgsqlConnection connection, Request request, IPasswordHasher<Account> hasher)
    {
        var userId = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO users (id, organisation_id, email, password_hash, role, display_name)
            VALUES (@userId, @org, @email, @hash, 'operator', @DisplayName)
            ON CONFLICT (email) DO NOTHING
            """, new
        {
            userId, org = Account.OperatorsOrganisation, email = request.Email.Trim().ToLowerInvariant(),
            hash = hasher.HashPassword(null!, request.Password), request.DisplayName,
        });
        return inserted == 1 ? userId : null;
    }
}
