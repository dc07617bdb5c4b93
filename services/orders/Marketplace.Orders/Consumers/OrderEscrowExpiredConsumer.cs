using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>
/// The order's reserved budget timed out before work started: it is no longer funded. The enterprise sees
/// funding_failed with the reason "escrow expired" and may publish again.
/// </summary>
public sealed class OrderEscrowExpiredConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<OrderEscrowExpired>
{
    public const string Reason = "escrow expired";

    public Task Consume(ConsumeContext<OrderEscrowExpired> context) =>
        db.ApplyOnceAsync(context, nameof(OrderEscrowExpiredConsumer), tx =>
            process.FireAsync(tx, context.Message.OrderId, OrderTrigger.EscrowExpired, Reason));
}
