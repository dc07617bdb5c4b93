using Dapper;
using MassTransit;
using Marketplace.Contracts.Bidding;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Consumers;

/// <summary>
/// The call's deadline passed (bidding): with bids, the enterprise now compares them and awards one; without, it is told
/// and may extend the call, tender again, or switch to the crowd. A close from an earlier round (the order has re-tendered
/// since) changes nothing.
/// </summary>
public sealed class CallForBidsClosedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<CallForBidsClosed>
{
    public Task Consume(ConsumeContext<CallForBidsClosed> context)
    {
        var closed = context.Message;
        return db.ApplyOnceAsync(context, nameof(CallForBidsClosedConsumer), async tx =>
        {
            var round = await tx.Connection!.ExecuteScalarAsync<int?>(
                "SELECT tender_round FROM orders WHERE id = @OrderId FOR UPDATE", new { closed.OrderId }, tx);
            if (round != closed.Round) return;
            await process.FireAsync(tx, closed.OrderId,
                closed.Bids > 0 ? OrderTrigger.CallClosedWithBids : OrderTrigger.CallClosedWithoutBids,
                closed.Bids > 0 ? $"round {closed.Round}: {closed.Bids} bid(s)" : $"round {closed.Round}: no bids");
        });
    }
}

/// <summary>
/// A bid won (the enterprise's award or the automatic one): the order records its contract and asks settlement to set
/// the escrow to the contract price (OrderProcess sends AdjustEscrowToContract on entering awarded).
/// </summary>
public sealed class BidAwardedConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<BidAwarded>
{
    public Task Consume(ConsumeContext<BidAwarded> context)
    {
        var award = context.Message;
        return db.ApplyOnceAsync(context, nameof(BidAwardedConsumer), async tx =>
        {
            var recorded = await tx.Connection!.ExecuteAsync("""
                UPDATE orders SET contract_id = @ContractId, awarded_vendor_org_id = @VendorOrgId, contract_price = @Price,
                                  contract_deliver_by = @deliverBy
                WHERE id = @OrderId AND status = 'evaluating' AND contract_id IS NULL
                """, new { award.ContractId, award.VendorOrgId, award.Price, deliverBy = award.DeliverBy.UtcDateTime, award.OrderId }, tx);
            if (recorded == 0)
            {
                // An auto-award is published with the call's close (CallForBidsClosed): the two may arrive in either
                // order. Still tendering means the close is on its way: throw, and the retry policy brings this back.
                var status = await tx.Connection!.ExecuteScalarAsync<string?>("SELECT status FROM orders WHERE id = @OrderId", new { award.OrderId }, tx);
                if (status == "tendering") throw new InvalidOperationException($"Order {award.OrderId} has not seen its call close yet");
                return; // cancelled meanwhile, or awarded already
            }
            await process.FireAsync(tx, award.OrderId, OrderTrigger.BidAwarded,
                award.Automatic ? "awarded automatically to the top-ranked bid" : award.Reason ?? "awarded to the top-ranked bid");
        });
    }
}

/// <summary>The escrow holds the contract price (the rest went back to the wallet): the vendor's work begins.</summary>
public sealed class EscrowAdjustedToContractConsumer(NpgsqlDataSource db, OrderProcessRunner process) : IConsumer<EscrowAdjustedToContract>
{
    public Task Consume(ConsumeContext<EscrowAdjustedToContract> context)
    {
        var adjusted = context.Message;
        return db.ApplyOnceAsync(context, nameof(EscrowAdjustedToContractConsumer), async tx =>
        {
            await tx.Connection!.ExecuteAsync("UPDATE orders SET refunded_amount = refunded_amount + @Refunded WHERE id = @OrderId",
                new { adjusted.Refunded, adjusted.OrderId }, tx);
            await process.FireAsync(tx, adjusted.OrderId, OrderTrigger.EscrowAdjusted,
                $"escrow set to the contract price {adjusted.ContractPrice:0.00##} {adjusted.Currency}; {adjusted.Refunded:0.00##} back to the wallet");
        });
    }
}
