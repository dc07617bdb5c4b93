using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Payouts.Rail;

/// <summary>
/// The fake bank's confirmation call in duplicate-callback mode: it runs twice per transfer, as a real bank's retries do.
/// It goes through the same confirmation as the callback endpoint; the bank notes whether each call changed anything.
/// </summary>
public sealed class FakeBankCallback(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IJob<FakeBankCallback.Payload>
{
    public const string Name = "fake-bank-callback";

    public sealed record Payload(string Reference);

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        var reference = payload.Reference;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await RailCallbacks.ConfirmAsync(tx, outbox, reference, FakeBank.RailReference(reference), clock.GetUtcNow());
        await connection.ExecuteAsync("INSERT INTO fake_bank_callbacks (reference, changed) VALUES (@reference, @changed)",
            new { reference, changed }, tx);
        await tx.CommitAsync(ct);
    }
}
