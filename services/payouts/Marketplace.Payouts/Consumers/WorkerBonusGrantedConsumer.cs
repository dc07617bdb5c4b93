using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Payouts.Domain;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Payouts.Consumers;

/// <summary>A bonus is an earning of kind bonus with its reason, held like an assignment's.</summary>
public sealed class WorkerBonusGrantedConsumer(NpgsqlDataSource db, IOptions<PayoutOptions> options) : IConsumer<WorkerBonusGranted>
{
    public Task Consume(ConsumeContext<WorkerBonusGranted> context)
    {
        var bonus = context.Message;
        return db.ApplyOnceAsync(context, nameof(WorkerBonusGrantedConsumer), tx =>
            Earnings.AddHeldAsync(tx, "bonus", null, bonus.BonusId, bonus.WorkerId, bonus.OrderId, bonus.Amount, bonus.Currency,
                bonus.Reason, bonus.OccurredAt, options.Value.EarningsHold));
    }
}
