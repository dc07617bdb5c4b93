using Dapper;
using FluentValidation;
using Marketplace.Gateway.Organisations;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>
/// Ending sign-ins: POST /api/auth/signout revokes the token it is called with; POST /api/auth/password changes the
/// password (the current one is needed again) and revokes every token issued before, answering a fresh one for the
/// same membership. See <see cref="TokenRevocation"/>.
/// </summary>
public static class Sessions
{
    public sealed record PasswordChange(string CurrentPassword, string NewPassword);

    public sealed record Reauth(string Password);

    public sealed class ReauthValidator : AbstractValidator<Reauth>
    {
        public ReauthValidator() => RuleFor(r => r.Password).NotEmpty().MaximumLength(200);
    }

    /// <summary>How long a step-up token lives: long enough to fill in one form, short enough that a stolen one is soon useless.</summary>
    public static readonly TimeSpan StepUpLifetime = TimeSpan.FromMinutes(5);

    public sealed class PasswordChangeValidator : AbstractValidator<PasswordChange>
    {
        public PasswordChangeValidator()
        {
            RuleFor(r => r.CurrentPassword).NotEmpty().MaximumLength(200);
            RuleFor(r => r.NewPassword).NotEmpty().MinimumLength(10).MaximumLength(200)
                .NotEqual(r => r.CurrentPassword).WithMessage("'newPassword' must differ from the current password.");
        }
    }

    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder group)
    {
        group.MapPost("/signout", SignOut).RequireAuthorization().Produces(StatusCodes.Status204NoContent);
        group.MapPost("/reauth", StepUp).RequireAuthorization().Validate<Reauth>()
            .Produces<SignIn.Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPost("/password", ChangePassword).RequireAuthorization().Validate<PasswordChange>()
            .Produces<SignIn.Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    private static async Task<IResult> SignOut(HttpContext http, NpgsqlDataSource db, IMemoryCache cache)
    {
        await using var connection = await db.OpenConnectionAsync();
        await TokenRevocation.RevokeAsync(connection, cache, http.User);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The password again, for an action a stolen token must not be enough for (changing a payout method): answers a
    /// step-up token for the same membership that says the password was given now (auth_time) and lives five minutes.
    /// A wrong password is 403 (not 401: the sign-in itself stays valid) and counts toward the sign-in lockout.
    /// </summary>
    private static async Task<IResult> StepUp(Reauth request, HttpContext http, NpgsqlDataSource db, IPasswordHasher<Account> hasher,
        TokenIssuer tokens, IOptions<SignInLockoutOptions> lockout, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var account = await Account.ByIdAsync(connection, caller.UserId);
        if (account is null) return Problems.NotFound("Your account");
        await using (var tx = await connection.BeginTransactionAsync())
        {
            if (await SignInLockout.CheckAsync(tx, account.Email, lockout.Value, clock.GetUtcNow()) is { } locked)
            {
                http.Response.Headers.RetryAfter = locked.ProblemDetails.Extensions["retryAfterSeconds"]!.ToString();
                return locked;
            }
            if (hasher.VerifyHashedPassword(account, account.PasswordHash, request.Password) == PasswordVerificationResult.Failed)
            {
                await SignInLockout.FailedAsync(tx, account.Email, lockout.Value, clock.GetUtcNow());
                await tx.CommitAsync();
                return TypedResults.Problem(title: "Wrong password", detail: "'password' is not your current password.",
                    statusCode: StatusCodes.Status403Forbidden,
                    extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "auth.wrong_password" });
            }
            await tx.CommitAsync();
        }
        if (await Membership.FindAsync(connection, account.Id, caller.OrgId) is not { } membership)
            return TypedResults.Problem(title: "No organisation", detail: "You are not a member of this organisation any more.",
                statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "account.no_membership" });
        return TypedResults.Ok(SignIn.Issue(tokens, account, membership, StepUpLifetime));
    }

    private static async Task<IResult> ChangePassword(PasswordChange request, HttpContext http, NpgsqlDataSource db,
        IPasswordHasher<Account> hasher, TokenIssuer tokens, IMemoryCache cache)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var account = await connection.QuerySingleOrDefaultAsync<Account>($"{Account.Select} WHERE u.id = @id FOR UPDATE OF u",
            new { id = caller.UserId }, tx);
        if (account is null) return Problems.NotFound("Your account");
        if (hasher.VerifyHashedPassword(account, account.PasswordHash, request.CurrentPassword) == PasswordVerificationResult.Failed)
            return TypedResults.Problem(title: "Wrong password", detail: "'currentPassword' is not your current password.",
                statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "auth.wrong_password" });
        var version = await connection.ExecuteScalarAsync<int>("""
            UPDATE users SET password_hash = @hash, token_version = token_version + 1 WHERE id = @id RETURNING token_version
            """, new { hash = hasher.HashPassword(account, request.NewPassword), id = account.Id }, tx);
        await tx.CommitAsync();
        TokenRevocation.VersionChanged(cache, account.Id, version);
        var membership = await Membership.FindAsync(connection, account.Id, caller.OrgId)
            ?? await Membership.DefaultAsync(connection, account.Id, account.OrganisationId);
        if (membership is null) return TypedResults.NoContent();
        return TypedResults.Ok(SignIn.Issue(tokens, account with { TokenVersion = version }, membership));
    }
}
