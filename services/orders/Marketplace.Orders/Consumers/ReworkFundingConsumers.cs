using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>The rework's price is in escrow: the items found wrong go to the crowd again, with their findings.</summary>
public sealed class OrderReworkFundedConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock) : IConsumer<OrderReworkFunded>
{
    public Task Consume(ConsumeContext<OrderReworkFunded> context)
    {
        var funded = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderReworkFundedConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var moved = await connection.ExecuteAsync("""
                UPDATE orders SET rework_funding = 'funded', rework_funding_failure_reason = NULL
                WHERE id = @OrderId AND status = @rework AND rework_funding = 'pending'
                """, new { funded.OrderId, rework = OrderProcess.Name(OrderState.Rework) }, tx);
            if (moved == 0) return; // cancelled meanwhile (settlement refunds the escrow), or already sent
            // A contract's rework is its vendor's to do under the contract price, not the crowd's (its rework packages):
            // nothing is funded for it any more; a funding asked before that goes back to the wallet when the order closes.
            if (await connection.ExecuteScalarAsync<bool>("SELECT contract_id IS NOT NULL FROM orders WHERE id = @OrderId", new { funded.OrderId }, tx))
                return;
            var items = await connection.QueryAsync<ReworkItem>("""
                SELECT s.item_id, i.content, s.finding
                FROM acceptance_samples s JOIN order_items i ON i.order_id = s.order_id AND i.item_id = s.item_id
                WHERE s.order_id = @OrderId AND s.round = @Round AND s.ok = false
                ORDER BY i.position
                """, new { funded.OrderId, funded.Round }, tx);
            await outbox.AddAsync(tx, new OrderReworkReady(funded.OrderId, funded.Round, items.ToList(), clock.GetUtcNow()));
        });
    }
}

/// <summary>The wallet could not pay for the rework: the order waits in rework until the enterprise funds it again.</summary>
public sealed class OrderReworkFundingFailedConsumer(NpgsqlDataSource db) : IConsumer<OrderReworkFundingFailed>
{
    public Task Consume(ConsumeContext<OrderReworkFundingFailed> context) =>
        db.ApplyOnceAsync(context, nameof(OrderReworkFundingFailedConsumer), tx =>
            tx.Connection!.ExecuteAsync("""
                UPDATE orders SET rework_funding = 'failed', rework_funding_failure_reason = @Reason
                WHERE id = @OrderId AND status = 'rework' AND rework_funding = 'pending'
                """, new { context.Message.OrderId, context.Message.Reason }, tx));
}

/// <summary>An accepted order's unspent escrow is back in the wallet: the order is closed.</summary>
public sealed class OrderEscrowReleasedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<OrderEscrowReleased>
{
    public Task Consume(ConsumeContext<OrderEscrowReleased> context)
    {
        var released = context.Message;
        return db.ApplyOnceAsync(context, nameof(OrderEscrowReleasedConsumer), async tx =>
        {
            await tx.Connection!.ExecuteAsync("UPDATE orders SET released_amount = released_amount + @Amount WHERE id = @OrderId",
                new { released.Amount, released.OrderId }, tx);
            await process.FireAsync(tx, released.OrderId, OrderTrigger.EscrowReleased,
                $"{released.Amount:0.00##} {released.Currency} of unspent escrow released");
        });
    }
}
