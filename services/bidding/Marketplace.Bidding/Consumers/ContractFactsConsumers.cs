using Dapper;
using Marketplace.Contracts.Bidding;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using MassTransit;
using Npgsql;

namespace Marketplace.Bidding.Consumers;

// The facts a vendor's track record is computed from. Orders of the crowd have no contract here: nothing changes.

/// <summary>The first delivery of a contracted order: on time when it came by the contract's deliver-by.</summary>
public sealed class OrderDeliveredConsumer(NpgsqlDataSource db) : IConsumer<OrderDelivered>
{
    public Task Consume(ConsumeContext<OrderDelivered> context) =>
        db.ApplyOnceAsync(context, nameof(OrderDeliveredConsumer), tx => tx.Connection!.ExecuteAsync("""
            UPDATE contracts SET delivered_at = coalesce(delivered_at, @at), status = CASE WHEN status = 'active' THEN 'delivered' ELSE status END
            WHERE order_id = @OrderId
            """, new { context.Message.OrderId, at = context.Message.OccurredAt.UtcDateTime }, tx));
}

/// <summary>The acceptance sample failed once: the contract no longer counts as passed first time.</summary>
public sealed class OrderReworkRequestedConsumer(NpgsqlDataSource db) : IConsumer<OrderReworkRequested>
{
    public Task Consume(ConsumeContext<OrderReworkRequested> context) =>
        db.ApplyOnceAsync(context, nameof(OrderReworkRequestedConsumer), tx => tx.Connection!.ExecuteAsync(
            "UPDATE contracts SET rework_requested = true WHERE order_id = @OrderId", new { context.Message.OrderId }, tx));
}

/// <summary>The enterprise accepted the delivery.</summary>
public sealed class OrderAcceptedConsumer(NpgsqlDataSource db) : IConsumer<OrderAccepted>
{
    public Task Consume(ConsumeContext<OrderAccepted> context) =>
        db.ApplyOnceAsync(context, nameof(OrderAcceptedConsumer), tx => tx.Connection!.ExecuteAsync("""
            UPDATE contracts SET accepted_at = coalesce(accepted_at, @at), status = 'accepted'
            WHERE order_id = @OrderId
            """, new { context.Message.OrderId, at = context.Message.OccurredAt.UtcDateTime }, tx));
}

/// <summary>The order's acceptance is disputed: the contract shows it until an operator decides.</summary>
public sealed class DisputeOpenedConsumer(NpgsqlDataSource db) : IConsumer<DisputeOpened>
{
    public Task Consume(ConsumeContext<DisputeOpened> context) =>
        db.ApplyOnceAsync(context, nameof(DisputeOpenedConsumer), tx => tx.Connection!.ExecuteAsync(
            "UPDATE contracts SET dispute_status = 'open' WHERE id = @ContractId AND dispute_status IS NULL", new { context.Message.ContractId }, tx));
}

/// <summary>An operator decided the dispute: the contract records the outcome (its money is settlement's).</summary>
public sealed class DisputeDecidedConsumer(NpgsqlDataSource db) : IConsumer<DisputeDecided>
{
    public Task Consume(ConsumeContext<DisputeDecided> context) =>
        db.ApplyOnceAsync(context, nameof(DisputeDecidedConsumer), tx => tx.Connection!.ExecuteAsync("""
            UPDATE contracts SET dispute_status = 'decided', dispute_outcome = @Outcome, dispute_vendor_amount = @VendorAmount,
                   dispute_decided_at = @at
            WHERE id = @ContractId
            """, new { context.Message.ContractId, context.Message.Outcome, context.Message.VendorAmount, at = context.Message.OccurredAt.UtcDateTime }, tx));
}
