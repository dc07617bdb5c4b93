using System.Security.Cryptography;
using System.Text;
using Dapper;
using Marketplace.Contracts.Payouts;
using Marketplace.Payouts.Domain;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Payouts.Rail;

/// <summary>
/// The rail confirms a transfer by calling us back (signed with a secret only we and the bank hold: Payouts:RailCallbackSecret). Banks send a confirmation more
/// than once; only the first moves the payout from pending to sent and announces PayoutSent, the rest change nothing.
/// </summary>
public static class RailCallbacks
{
    public sealed record Callback(string Reference, string Status);

    public sealed record Answer(string Reference, bool Changed);

    public const string SignatureHeader = "X-Rail-Signature";

    public static string Sign(byte[] key, string reference, string status) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"rail-callback\n{reference}\n{status}"))).ToLowerInvariant();

    /// <returns>true when this confirmation settled the payout, false when it was settled already (or is unknown).</returns>
    public static async Task<bool> ConfirmAsync(NpgsqlTransaction tx, Outbox outbox, string reference, string railReference, DateTimeOffset now)
    {
        if (!Guid.TryParseExact(reference, "N", out var payoutId)) return false;
        var payout = await tx.Connection!.QuerySingleOrDefaultAsync<Settled>("""
            UPDATE payouts SET status = 'sent', rail_reference = @railReference, completed_at = now(), failure_reason = NULL
            WHERE id = @payoutId AND status = 'pending'
            RETURNING id, batch_id, worker_id, amount, currency
            """, new { payoutId, railReference }, tx);
        // Not a worker's payout: perhaps a vendor's withdrawal, paid through the same rail.
        if (payout is not { } p) return await Jobs.PayVendorWithdrawal.ConfirmAsync(tx, outbox, payoutId, railReference, now);

        await outbox.AddAsync(tx, new PayoutSent(p.Id, p.BatchId, p.WorkerId, p.Amount, p.Currency, railReference, now));
        return true;
    }

    private sealed record Settled(Guid Id, Guid BatchId, Guid WorkerId, decimal Amount, string Currency);

    public static RouteGroupBuilder MapRailCallbacks(this RouteGroupBuilder group)
    {
        // Anonymous to the token check: the bank signs each callback instead.
        group.MapPost("/callbacks", Handle).AllowAnonymous()
            .WithHeader(SignatureHeader, required: true, "The bank's HMAC-SHA256 signature of the callback's reference and status.")
            .Produces<Answer>().ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }

    private static async Task<IResult> Handle(Callback callback, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock,
        IOptions<PayoutOptions> options)
    {
        if (string.IsNullOrWhiteSpace(callback.Reference) || callback.Reference.Length > 64)
            return Problems.BadRequest("reference", "'reference' names the payout the bank confirms.");
        if (callback.Status != "paid") return Problems.BadRequest("status", "'status' must be paid.");
        var signature = http.Request.Headers[SignatureHeader].ToString();
        var expected = Sign(options.Value.RailCallbackKey(), callback.Reference, callback.Status);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected)))
            return TypedResults.Problem(title: "Unauthorized", detail: $"The {SignatureHeader} header does not sign this callback.", statusCode: 401);

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var changed = await ConfirmAsync(tx, outbox, callback.Reference, FakeBank.RailReference(callback.Reference), clock.GetUtcNow());
        await tx.CommitAsync();
        return TypedResults.Ok(new Answer(callback.Reference, changed));
    }
}
