using Dapper;
using Marketplace.Contracts.Payouts;
using Marketplace.Payouts.Domain;
using Marketplace.Payouts.Rail;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Payouts.Jobs;

/// <summary>
/// Settlement asks for a vendor's withdrawal: it is kept (once per id) with the account it goes to, and paid by the
/// <see cref="PayVendorWithdrawal"/> job after the commit. With no account to pay it fails at once, so the hold goes.
/// </summary>
public sealed class SendVendorWithdrawalConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<SendVendorWithdrawal>
{
    public Task Consume(ConsumeContext<SendVendorWithdrawal> context)
    {
        var w = context.Message;
        return db.ApplyOnceAsync(context, nameof(SendVendorWithdrawalConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var destination = await connection.ExecuteScalarAsync<string?>(
                "SELECT bank_name || ' ' || masked FROM vendor_payout_accounts WHERE vendor_org_id = @VendorOrgId", new { w.VendorOrgId }, tx);
            var inserted = await connection.ExecuteAsync("""
                INSERT INTO vendor_withdrawals (id, vendor_org_id, amount, currency, destination, status, failure_reason, completed_at)
                VALUES (@WithdrawalId, @VendorOrgId, @Amount, @Currency, @destination,
                        CASE WHEN @destination::text IS NULL THEN 'failed' ELSE 'pending' END,
                        CASE WHEN @destination::text IS NULL THEN 'The vendor has no payout account.' END,
                        CASE WHEN @destination::text IS NULL THEN now() END)
                ON CONFLICT (id) DO NOTHING
                """, new { w.WithdrawalId, w.VendorOrgId, w.Amount, w.Currency, destination }, tx);
            if (inserted == 0) return;
            if (destination is null)
            {
                await outbox.AddAsync(tx, new VendorWithdrawalFailed(w.WithdrawalId, w.VendorOrgId, w.Amount, w.Currency,
                    "The vendor has no payout account.", clock.GetUtcNow()));
                return;
            }
            await JobIntents.EnqueueAsync<PayVendorWithdrawal, PayVendorWithdrawal.Payload>(tx, new(w.WithdrawalId),
                uniqueKey: $"vendor-withdrawal:{w.WithdrawalId}:0");
        });
    }
}

/// <summary>
/// Pays one vendor withdrawal through the rail, holding its row lock, with the withdrawal id as the rail's idempotency
/// reference (as <see cref="RunPayoutBatch"/> pays workers): paid → VendorWithdrawalSent; declined → VendorWithdrawalFailed
/// with the bank's reason; taken for a later callback, or no answer → asked again later with the same reference.
/// </summary>
public sealed class PayVendorWithdrawal(NpgsqlDataSource db, IPaymentRail rail, Outbox outbox, IOptions<PayoutOptions> options,
    TimeProvider clock, AccountVault vault) : IJob<PayVendorWithdrawal.Payload>
{
    public sealed record Payload(Guid WithdrawalId);

    private sealed record Pending(Guid Id, Guid VendorOrgId, decimal Amount, string Currency, int Attempts);

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var w = await connection.QuerySingleOrDefaultAsync<Pending>("""
            SELECT id, vendor_org_id, amount, currency, attempts FROM vendor_withdrawals
            WHERE id = @WithdrawalId AND status = 'pending' FOR UPDATE SKIP LOCKED
            """, new { payload.WithdrawalId }, tx);
        if (w is null) return; // answered already (or being paid by another run)

        var account = await PayeeAccount.OfVendorAsync(connection, tx, vault, w.VendorOrgId);
        var result = await rail.PayAsync(new PaymentInstruction(w.Id.ToString("N"), w.VendorOrgId, w.Amount, w.Currency, account), ct);
        switch (result.Outcome)
        {
            case RailOutcome.Paid:
                await connection.ExecuteAsync("""
                    UPDATE vendor_withdrawals SET status = 'sent', rail_reference = @RailReference, attempts = attempts + 1,
                           last_attempt_at = now(), completed_at = now(), failure_reason = NULL
                    WHERE id = @Id
                    """, new { w.Id, result.RailReference }, tx);
                await outbox.AddAsync(tx, new VendorWithdrawalSent(w.Id, w.VendorOrgId, w.Amount, w.Currency, result.RailReference!, clock.GetUtcNow()));
                break;
            case RailOutcome.Declined:
                await connection.ExecuteAsync("""
                    UPDATE vendor_withdrawals SET status = 'failed', failure_reason = @Reason, attempts = attempts + 1,
                           last_attempt_at = now(), completed_at = now()
                    WHERE id = @Id
                    """, new { w.Id, result.Reason }, tx);
                await outbox.AddAsync(tx, new VendorWithdrawalFailed(w.Id, w.VendorOrgId, w.Amount, w.Currency,
                    result.Reason ?? "declined", clock.GetUtcNow()));
                break;
            default:
                // Taken (a callback confirms it) or no answer: ask the rail again later, on a durable schedule.
                await connection.ExecuteAsync("""
                    UPDATE vendor_withdrawals SET attempts = attempts + 1, last_attempt_at = now(), failure_reason = @Reason WHERE id = @Id
                    """, new { w.Id, result.Reason }, tx);
                await JobIntents.EnqueueAsync<PayVendorWithdrawal, Payload>(tx, payload, clock.GetUtcNow() + options.Value.RetryPendingAfter,
                    uniqueKey: $"vendor-withdrawal:{w.Id}:{w.Attempts + 1}");
                break;
        }
        await tx.CommitAsync(ct);
        PayoutMetrics.Record(result.Outcome);
    }

    /// <summary>The bank's callback for a vendor withdrawal (the reference is its id): only the first confirmation moves it.</summary>
    public static async Task<bool> ConfirmAsync(NpgsqlTransaction tx, Outbox outbox, Guid id, string railReference, DateTimeOffset now)
    {
        var w = await tx.Connection!.QuerySingleOrDefaultAsync<Pending>("""
            UPDATE vendor_withdrawals SET status = 'sent', rail_reference = @railReference, completed_at = now(), failure_reason = NULL
            WHERE id = @id AND status = 'pending'
            RETURNING id, vendor_org_id, amount, currency, attempts
            """, new { id, railReference }, tx);
        if (w is null) return false;
        await outbox.AddAsync(tx, new VendorWithdrawalSent(w.Id, w.VendorOrgId, w.Amount, w.Currency, railReference, now));
        return true;
    }
}
