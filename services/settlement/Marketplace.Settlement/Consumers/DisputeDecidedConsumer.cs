using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>
/// An operator decided a dispute: the contract records the outcome and the escrow closes (Refunds) once every approval
/// is booked, exactly once however often the decision arrives: released as if accepted, partly released, or refunded.
/// </summary>
public sealed class DisputeDecidedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<DisputeDecided>
{
    public Task Consume(ConsumeContext<DisputeDecided> context)
    {
        var decided = context.Message;
        return db.ApplyOnceAsync(context, nameof(DisputeDecidedConsumer), async tx =>
        {
            await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(decided.OrderId, decided.Currency));
            var recorded = await tx.Connection!.ExecuteAsync("""
                UPDATE contracts SET dispute_id = @DisputeId, dispute_outcome = @Outcome, dispute_vendor_amount = @VendorAmount,
                       first_delivered_at = coalesce(first_delivered_at, @delivered), deliver_by = coalesce(@deliverBy, deliver_by)
                WHERE order_id = @OrderId AND settled_at IS NULL AND dispute_id IS NULL
                """, new
            {
                decided.DisputeId, decided.Outcome, decided.VendorAmount, decided.OrderId,
                delivered = decided.FirstDeliveredAt?.UtcDateTime, deliverBy = decided.DeliverBy?.UtcDateTime,
            }, tx);
            if (recorded == 0) return; // settled already (accepted, or this decision applied), or a contract settlement never knew
            await Refunds.CloseAsync(tx, outbox, decided.OrderId, decided.EnterpriseOrgId, decided.Currency, "dispute",
                workStarted: true, decided.ApprovedAssignments, decided.OccurredAt, clock.GetUtcNow());
        });
    }
}
