using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Each approved assignment releases its price from escrow: the worker's reward to their payable, the fee to the platform.</summary>
public sealed class AssignmentsApprovedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<AssignmentsApproved>
{
    public Task Consume(ConsumeContext<AssignmentsApproved> context)
    {
        return db.ApplyOnceAsync(context, nameof(AssignmentsApprovedConsumer), async tx =>
        {
            // An approval is work that started: a budget still only reserved moves into escrow first.
            foreach (var order in context.Message.Approvals.Select(a => (a.OrderId, a.Currency)).Distinct().OrderBy(o => o.OrderId.ToString(), StringComparer.Ordinal))
                await EscrowFunding.PostAsync(tx, order.OrderId, order.Currency, clock.GetUtcNow());
            foreach (var approval in context.Message.Approvals)
            {
                var escrow = AccountRef.Escrow(approval.OrderId, approval.Currency);
                // A vendor's work package: its cost, taken from the vendor's share when the contract is split.
                if (approval.PayerVendorOrgId is { } payer)
                    await tx.Connection!.ExecuteAsync("""
                        INSERT INTO vendor_package_costs (assignment_id, order_id, vendor_org_id, amount, currency)
                        VALUES (@AssignmentId, @OrderId, @payer, @amount, @Currency) ON CONFLICT (assignment_id) DO NOTHING
                        """, new { approval.AssignmentId, approval.OrderId, payer, amount = approval.WorkerReward + approval.PlatformFee, approval.Currency }, tx);
                // Keyed by assignment: the same approval arriving in another batch is booked once.
                await Ledger.BookAsync(tx, new LedgerEntry(
                    $"approval:{approval.AssignmentId}", "approval", approval.OrderId, approval.ApprovedAt,
                    [
                        new Posting(escrow, approval.WorkerReward + approval.PlatformFee),
                        new Posting(AccountRef.WorkerPayable(approval.WorkerId, approval.Currency), -approval.WorkerReward),
                        new Posting(AccountRef.PlatformFees(approval.Currency), -approval.PlatformFee),
                    ]));
            }
            // The last approval of a cancelled order lets its refund go.
            foreach (var orderId in context.Message.Approvals.Select(a => a.OrderId).Distinct())
                await Refunds.TryRefundAsync(tx, outbox, orderId, clock.GetUtcNow());
        });
    }
}
