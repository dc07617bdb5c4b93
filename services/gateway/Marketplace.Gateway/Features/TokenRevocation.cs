using System.Security.Claims;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>
/// A token stops working at the gateway once revoked: signed out (its id is listed until it would have expired) or
/// issued before the account's password changed (its token version is behind the account's). 401
/// <c>auth.token_revoked</c>. A live token is remembered for <see cref="CacheFor"/>, so a busy client costs one query per
/// half minute; this gateway forgets it at once when it revokes, another instance within that time. Every request
/// with a token passes here, <c>/api/auth/</c> included. The services behind the gateway check signatures only: they
/// listen on loopback and are reached through the gateway (docs/security.md).
/// </summary>
public sealed class TokenRevocation(RequestDelegate next, NpgsqlDataSource db, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task InvokeAsync(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated == true && !await LiveAsync(user, http.RequestAborted))
        {
            await TypedResults.Problem(title: "Token revoked",
                detail: "This sign-in has ended (signed out, or the password changed): sign in again.",
                statusCode: StatusCodes.Status401Unauthorized,
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "auth.token_revoked" }).ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    private async Task<bool> LiveAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(TokenIssuer.TokenIdClaim), out var tokenId)
            || !Guid.TryParse(user.FindFirstValue(Caller.UserClaim), out var userId)
            || !int.TryParse(user.FindFirstValue(TokenIssuer.TokenVersionClaim), out var version))
            return false; // every token the gateway issues has all three
        if (cache.TryGetValue(VersionKey(userId), out int current) && current != version) return false;
        var key = Key(tokenId);
        if (cache.TryGetValue(key, out _)) return true;
        await using var connection = await db.OpenConnectionAsync(ct);
        var live = await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM users WHERE id = @userId AND token_version = @version)
               AND NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = @tokenId)
            """, new { userId, version, tokenId });
        if (live) cache.Set(key, true, CacheFor);
        return live;
    }

    /// <summary>Revokes the caller's own token (sign-out); expired entries are cleared on the way.</summary>
    public static async Task RevokeAsync(NpgsqlConnection connection, IMemoryCache cache, ClaimsPrincipal user)
    {
        if (!Guid.TryParse(user.FindFirstValue(TokenIssuer.TokenIdClaim), out var tokenId)) return;
        var expires = long.TryParse(user.FindFirstValue("exp"), out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : DateTimeOffset.UtcNow.AddDays(1);
        await connection.ExecuteAsync("""
            DELETE FROM revoked_tokens WHERE expires_at < now() - interval '1 minute';
            INSERT INTO revoked_tokens (token_id, user_id, expires_at) VALUES (@tokenId, @userId, @expires) ON CONFLICT DO NOTHING;
            """, new { tokenId, userId = Guid.Parse(user.FindFirstValue(Caller.UserClaim)!), expires });
        cache.Remove(Key(tokenId));
    }

    /// <summary>The account's tokens now carry <paramref name="version"/>: this gateway refuses older ones at once.</summary>
    public static void VersionChanged(IMemoryCache cache, Guid userId, int version) => cache.Set(VersionKey(userId), version, CacheFor);

    private static string Key(Guid tokenId) => $"token:{tokenId}";
    private static string VersionKey(Guid userId) => $"token-version:{userId}";
}
