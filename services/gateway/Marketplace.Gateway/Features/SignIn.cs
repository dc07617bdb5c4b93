using Dapper;
using FluentValidation;
using Marketplace.Gateway.Organisations;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>Exchanges an e-mail and password for a signed token that every service accepts.</summary>
public static class SignIn
{
    public sealed record Request(string Email, string Password);

    /// <param name="Role">the kind of the organisation the token acts for; <paramref name="OrgRole"/> the person's role in it.</param>
    public sealed record Response(string AccessToken, DateTimeOffset ExpiresAt, Guid UserId, Guid OrganisationId, string Role,
        string DisplayName, string OrgRole, string OrganisationName);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254);
            RuleFor(r => r.Password).NotEmpty().MaximumLength(200);
        }
    }

    // Verifying against a decoy for an unknown e-mail keeps the answer's timing from telling which e-mails exist.
    private static readonly string DecoyHash = new PasswordHasher<Account>().HashPassword(null!, Guid.NewGuid().ToString());

    public static RouteGroupBuilder MapSignIn(this RouteGroupBuilder group)
    {
        group.MapPost("/token", Handle).AllowAnonymous().Validate<Request>().LimitedBy(RateLimits.SignIn)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        Request request, HttpContext http, NpgsqlDataSource db, IPasswordHasher<Account> hasher, TokenIssuer tokens,
        IOptions<SignInLockoutOptions> lockout, TimeProvider clock)
    {
        var email = Account.NormaliseEmail(request.Email);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (await SignInLockout.CheckAsync(tx, email, lockout.Value, clock.GetUtcNow()) is { } locked)
        {
            http.Response.Headers.RetryAfter = locked.ProblemDetails.Extensions["retryAfterSeconds"]!.ToString();
            return locked;
        }
        var account = await Account.ByEmailAsync(connection, email, tx);
        var verdict = hasher.VerifyHashedPassword(account!, account?.PasswordHash ?? DecoyHash, request.Password);
        if (account is null || verdict == PasswordVerificationResult.Failed)
        {
            await SignInLockout.FailedAsync(tx, email, lockout.Value, clock.GetUtcNow());
            await tx.CommitAsync();
            // One answer for an unknown e-mail and a wrong password.
            return TypedResults.Problem(title: "Sign-in failed", detail: "The e-mail or the password is wrong.",
                statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "auth.sign_in_failed" });
        }
        await SignInLockout.SucceededAsync(tx, email);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // The hash predates the current iteration count: store a stronger one now that we hold the password.
            await connection.ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @Id",
                new { hash = hasher.HashPassword(account, request.Password), account.Id }, tx);
        }
        await tx.CommitAsync();
        if (await Membership.DefaultAsync(connection, account.Id, account.OrganisationId) is not { } membership)
        {
            // Removed from every organisation: the password is right, but there is nothing to act for.
            return TypedResults.Problem(title: "No organisation", detail: "You are not a member of any organisation any more.",
                statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "account.no_membership" });
        }
        return TypedResults.Ok(Issue(tokens, account, membership));
    }

    /// <summary>A token acting for <paramref name="membership"/>: its organisation, the organisation's kind as the role, the member's role.</summary>
    /// <param name="stepUpLifetime">a step-up token (the password was just given again) living this long.</param>
    public static Response Issue(TokenIssuer tokens, Account account, Membership membership, TimeSpan? stepUpLifetime = null)
    {
        var (token, expiresAt) = tokens.Issue(new Caller(account.Id, membership.OrganisationId, membership.OrganisationKind, account.DisplayName,
            membership.OrgRole), account.TokenVersion, stepUpLifetime);
        return new Response(token, expiresAt, account.Id, membership.OrganisationId, membership.OrganisationKind, account.DisplayName,
            membership.OrgRole, membership.OrganisationName);
    }
}
