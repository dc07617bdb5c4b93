using Dapper;
using Marketplace.Contracts.Payouts;
using Marketplace.Payouts.Domain;
using Marketplace.Payouts.Rail;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Payouts.Jobs;

/// <summary>
/// Pays workers their available balance through the payment rail, in two steps:
/// (1) in one transaction, take each payable balance (rounded down to the fen) into a pending payout;
/// (2) pay each pending payout holding its row lock, with the payout id as the rail's idempotency reference.
/// A retried or concurrent run cannot pay twice: balances are taken once, and the rail de-duplicates by reference.
/// A declined payout returns the money to the worker's balance with the reason; an unanswered one is asked about again.
/// </summary>
public sealed class RunPayoutBatch(NpgsqlDataSource db, IPaymentRail rail, Outbox outbox, IOptions<PayoutOptions> options,
    TimeProvider clock, ILogger<RunPayoutBatch> logger, AccountVault vault) : IJob<RunPayoutBatch.Payload>, IRecurringJob
{
    public const string Name = "payout-batch";

    /// <summary>RecheckOnly: a follow-up run that only asks the rail again about payouts it did not answer.
    /// WorkerId: a worker's own "pay me now", which takes only that worker's balance.</summary>
    public sealed record Payload(bool RecheckOnly, Guid? WorkerId = null);

    /// <summary>The scheduled batch: every worker's payable balance.</summary>
    public Task RunAsync(CancellationToken ct) => RunAsync(new Payload(false), ct);

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        if (!payload.RecheckOnly) await CreatePayoutsAsync(payload.WorkerId, ct);
        while (await PayNextAsync(ct)) { }
    }

    private async Task CreatePayoutsAsync(Guid? onlyWorker, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Only workers who said where to be paid; the others' balances wait for their payout method.
        var balances = (await connection.QueryAsync<(Guid WorkerId, string Currency, decimal Available, string Destination)>("""
            SELECT b.worker_id, b.currency, b.available, m.masked FROM worker_balances b
            JOIN payout_methods m ON m.worker_id = b.worker_id
            WHERE b.available >= @MinimumPayout AND (@onlyWorker::uuid IS NULL OR b.worker_id = @onlyWorker)
            ORDER BY b.worker_id
            FOR UPDATE OF b SKIP LOCKED
            """, new { options.Value.MinimumPayout, onlyWorker }, tx)).ToList();
        if (balances.Count == 0) return;

        var batchId = Guid.CreateVersion7();
        await connection.ExecuteAsync("INSERT INTO payout_batches (id) VALUES (@batchId)", new { batchId }, tx);
        foreach (var (workerId, currency, available, destination) in balances)
        {
            var amount = PayoutRounding.Payable(available);
            if (amount <= 0 || amount < options.Value.MinimumPayout) continue;
            await connection.ExecuteAsync("""
                UPDATE worker_balances SET available = available - @amount WHERE worker_id = @workerId AND currency = @currency;
                INSERT INTO payouts (id, batch_id, worker_id, amount, currency, destination)
                VALUES (@id, @batchId, @workerId, @amount, @currency, @destination);
                UPDATE payout_batches SET payouts = payouts + 1, total = total + @amount WHERE id = @batchId;
                """, new { id = Guid.CreateVersion7(), batchId, workerId, currency, amount, destination }, tx);
        }
        await tx.CommitAsync(ct);
    }

    /// <returns>false when no pending payout is due.</returns>
    private async Task<bool> PayNextAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var payout = await connection.QuerySingleOrDefaultAsync<PendingPayout>("""
            SELECT id, batch_id, worker_id, amount, currency, attempts FROM payouts
            WHERE status = 'pending' AND (last_attempt_at IS NULL OR last_attempt_at < now() - @retryAfter)
            ORDER BY created_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, new { retryAfter = options.Value.RetryPendingAfter }, tx);
        if (payout is null) return false;

        var account = await PayeeAccount.OfWorkerAsync(connection, tx, vault, payout.WorkerId);
        var result = await rail.PayAsync(new PaymentInstruction(payout.Id.ToString("N"), payout.WorkerId, payout.Amount, payout.Currency, account), ct);
        switch (result.Outcome)
        {
            case RailOutcome.Paid:
                await connection.ExecuteAsync("""
                    UPDATE payouts SET status = 'sent', rail_reference = @RailReference, attempts = attempts + 1,
                                       last_attempt_at = now(), completed_at = now(), failure_reason = NULL
                    WHERE id = @Id
                    """, new { payout.Id, result.RailReference }, tx);
                await outbox.AddAsync(tx, new PayoutSent(payout.Id, payout.BatchId, payout.WorkerId, payout.Amount, payout.Currency,
                    result.RailReference!, clock.GetUtcNow()));
                break;
            case RailOutcome.Declined:
                await connection.ExecuteAsync("""
                    UPDATE payouts SET status = 'failed', failure_reason = @Reason, attempts = attempts + 1,
                                       last_attempt_at = now(), completed_at = now()
                    WHERE id = @Id;
                    UPDATE worker_balances SET available = available + @Amount WHERE worker_id = @WorkerId AND currency = @Currency;
                    """, new { payout.Id, result.Reason, payout.Amount, payout.WorkerId, payout.Currency }, tx);
                await outbox.AddAsync(tx, new PayoutFailed(payout.Id, payout.BatchId, payout.WorkerId, payout.Amount, payout.Currency,
                    result.Reason ?? "declined", clock.GetUtcNow()));
                break;
            case RailOutcome.Accepted:
                // Taken: the confirmation comes by callback. Should it never come, the payout is asked about again.
                await connection.ExecuteAsync(
                    "UPDATE payouts SET attempts = attempts + 1, last_attempt_at = now() WHERE id = @Id", new { payout.Id }, tx);
                await ScheduleRecheckAsync(tx, payout);
                break;
            default:
                logger.LogWarning("Payout {PayoutId} got no answer from the rail ({Reason}); will ask again", payout.Id, result.Reason);
                await connection.ExecuteAsync(
                    "UPDATE payouts SET attempts = attempts + 1, last_attempt_at = now(), failure_reason = @Reason WHERE id = @Id",
                    new { payout.Id, result.Reason }, tx);
                // The question stays open until the rail answers: ask again later, on a durable schedule.
                await ScheduleRecheckAsync(tx, payout);
                break;
        }
        await tx.CommitAsync(ct);
        PayoutMetrics.Record(result.Outcome);
        return true;
    }

    private Task<long?> ScheduleRecheckAsync(NpgsqlTransaction tx, PendingPayout payout) =>
        JobIntents.EnqueueAsync<RunPayoutBatch, Payload>(tx, new Payload(RecheckOnly: true),
            clock.GetUtcNow() + options.Value.RetryPendingAfter, uniqueKey: $"payout-recheck:{payout.Id}:{payout.Attempts + 1}");

    private sealed record PendingPayout(Guid Id, Guid BatchId, Guid WorkerId, decimal Amount, string Currency, int Attempts);
}
