using Dapper;
using MassTransit;
using Marketplace.Contracts.Tasks;
using Marketplace.Payouts.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Payouts.Consumers;

/// <summary>Each approved assignment becomes exactly one earning, held until approved_at + Payouts:EarningsHold.</summary>
public sealed class AssignmentsApprovedConsumer(NpgsqlDataSource db, IOptions<PayoutOptions> options) : IConsumer<AssignmentsApproved>
{
    public Task Consume(ConsumeContext<AssignmentsApproved> context)
    {
        return db.ApplyOnceAsync(context, nameof(AssignmentsApprovedConsumer), async tx =>
        {
            foreach (var approval in context.Message.Approvals.OrderBy(a => a.WorkerId))
            {
                await Earnings.AddHeldAsync(tx, "assignment", approval.AssignmentId, null, approval.WorkerId, approval.OrderId,
                    approval.WorkerReward, approval.Currency, null, approval.ApprovedAt, options.Value.EarningsHold);
            }
        });
    }
}
