using Dapper;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>Gateway:SignIn: how many failed sign-ins an e-mail address may have in a window before it is locked.</summary>
public sealed class SignInLockoutOptions
{
    public int MaxFailures { get; set; } = 5;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Guessing passwords costs time: after <see cref="SignInLockoutOptions.MaxFailures"/> failed sign-ins for one e-mail
/// address within the window, further attempts for it are refused with 429 <c>auth.locked</c> and Retry-After (until
/// the oldest failure leaves the window), before any password hash is computed; a success clears the count. Unknown
/// addresses count and lock alike, so the lock tells nothing about which accounts exist. Attempts for one address are
/// serialised (an advisory lock), so a burst cannot slip past the count.
/// </summary>
public static class SignInLockout
{
    /// <returns>A 429 when the address is locked now, else null.</returns>
    public static async Task<ProblemHttpResult?> CheckAsync(NpgsqlTransaction tx, string email, SignInLockoutOptions options, DateTimeOffset now)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('sign-in:' || @email, 0))", new { email }, tx);
        var since = now - options.Window;
        var (failures, oldest) = await connection.QuerySingleAsync<(int, DateTime?)>("""
            SELECT count(*)::int, min(failed_at) FROM sign_in_failures WHERE email = @email AND failed_at > @since
            """, new { email, since }, tx);
        if (failures < options.MaxFailures) return null;
        var retry = Math.Max(1, (int)Math.Ceiling(((oldest ?? now.UtcDateTime) + options.Window - now.UtcDateTime).TotalSeconds));
        return TypedResults.Problem(title: "Too many attempts",
            detail: $"Too many failed sign-ins for this e-mail address: try again in {retry} seconds.",
            statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "auth.locked", ["retryAfterSeconds"] = retry });
    }

    public static async Task FailedAsync(NpgsqlTransaction tx, string email, SignInLockoutOptions options, DateTimeOffset now) =>
        await tx.Connection!.ExecuteAsync("""
            DELETE FROM sign_in_failures WHERE email = @email AND failed_at <= @since;
            INSERT INTO sign_in_failures (email, failed_at) VALUES (@email, @now);
            """, new { email, since = now - options.Window, now }, tx);

    public static async Task SucceededAsync(NpgsqlTransaction tx, string email) =>
        await tx.Connection!.ExecuteAsync("DELETE FROM sign_in_failures WHERE email = @email", new { email }, tx);
}
