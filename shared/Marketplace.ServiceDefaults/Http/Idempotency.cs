using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Money endpoints take an Idempotency-Key. The key is claimed inside the endpoint's own transaction:
/// a replay with the same body answers the stored response; the same key with another body answers 422.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string? KeyOf(HttpRequest request)
    {
        var key = request.Headers[Header].ToString();
        return string.IsNullOrWhiteSpace(key) || key.Length > 200 ? null : key;
    }

    /// <summary>
    /// How every money endpoint's transaction starts: claims the request's Idempotency-Key in <paramref name="tx"/> under
    /// <paramref name="scope"/>. Answers what to return at once (no key: 400; the key with another body: 422; a replay:
    /// the first answer), or null and the key to complete with when this request is the first with its key.
    /// </summary>
    public static async Task<(IResult? Answer, string Key)> BeginAsync(NpgsqlTransaction tx, HttpRequest http, string scope, object request)
    {
        if (KeyOf(http) is not { } key) return (MissingKey(), "");
        var claim = await ClaimAsync(tx, scope, key, request);
        return claim.Outcome switch
        {
            IdempotencyOutcome.Mismatch => (KeyReused(), key),
            IdempotencyOutcome.Replay => (ReplayOf(claim), key),
            _ => (null, key),
        };
    }

    public static ProblemHttpResult MissingKey() =>
        Problems.BadRequest(Header, $"This endpoint moves money: send an {Header} header (1-200 characters) so a retry cannot apply it twice.", "validation.required");

    public static async Task<IdempotencyClaim> ClaimAsync(NpgsqlTransaction tx, string scope, string key, object request)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, request.GetType(), Json))));
        var inserted = await tx.Connection!.ExecuteAsync("""
            INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (@scope, @key, @hash)
            ON CONFLICT DO NOTHING
            """, new { scope, key, hash }, tx);
        if (inserted == 1) return new IdempotencyClaim(IdempotencyOutcome.New, null, null);
        var stored = await tx.Connection!.QuerySingleAsync<(string RequestHash, int? ResponseStatus, string? ResponseBody)>(
            "SELECT request_hash, response_status, response_body::text FROM idempotency_keys WHERE scope = @scope AND key = @key",
            new { scope, key }, tx);
        return stored.RequestHash != hash
            ? new IdempotencyClaim(IdempotencyOutcome.Mismatch, null, null)
            : new IdempotencyClaim(IdempotencyOutcome.Replay, stored.ResponseStatus, stored.ResponseBody);
    }

    public static Task CompleteAsync(NpgsqlTransaction tx, string scope, string key, int status, object response) =>
        tx.Connection!.ExecuteAsync("""
            UPDATE idempotency_keys SET response_status = @status, response_body = @body::jsonb
            WHERE scope = @scope AND key = @key
            """, new { scope, key, status, body = JsonSerializer.Serialize(response, response.GetType(), Json) }, tx);

    public static ProblemHttpResult KeyReused() =>
        Problems.Unprocessable($"This {Header} was already used with a different request body; nothing was changed.", "idempotency.key_reused");

    public static IResult ReplayOf(IdempotencyClaim claim) =>
        Results.Text(claim.ResponseBody ?? "{}", "application/json", Encoding.UTF8, claim.ResponseStatus ?? StatusCodes.Status200OK);
}

public enum IdempotencyOutcome { New, Replay, Mismatch }

public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, int? ResponseStatus, string? ResponseBody);
