using Dapper;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Jobs;

/// <summary>
/// Lets go of reserved budgets whose work never started before the timeout, and says so (orders shows the order as
/// funding_failed, "escrow expired"). Each order is expired in its own transaction holding its escrow's lock, the same
/// lock posting and cancelling take first, so a reservation is posted, voided or expired exactly once.
/// </summary>
public sealed class ExpirePendingEscrow(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IRecurringJob
{
    public const string Name = "expire-pending-escrow";

    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<(Guid OrderId, string Currency)> due;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            due = (await connection.QueryAsync<(Guid, string)>("""
                SELECT order_id, currency FROM pending_transfers WHERE status = 'pending' AND expires_at <= @now
                ORDER BY expires_at LIMIT 500
                """, new { now = now.UtcDateTime })).ToList();
        }
        foreach (var (orderId, currency) in due)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(orderId, currency));
            var expired = await EscrowFunding.VoidAsync(tx, orderId, "expired", now, onlyIfExpired: true);
            if (expired is not null)
            {
                await outbox.AddAsync(tx, new OrderEscrowExpired(orderId, expired.EnterpriseOrgId, expired.Amount, expired.Currency,
                    new DateTimeOffset(DateTime.SpecifyKind(expired.ExpiresAt, DateTimeKind.Utc)), now));
            }
            await tx.CommitAsync(ct);
        }
    }
}
