using Dapper;
using MassTransit;
using Marketplace.Contracts.Settlement;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>
/// A bid was awarded: the order's reserved budget moves into escrow, and what the escrow holds above the contract
/// price goes back to the enterprise's wallet (a refund booked once per contract). The escrow is locked first, as
/// every step that moves its money does.
/// </summary>
public sealed class AdjustEscrowToContractConsumer(NpgsqlDataSource db, Outbox outbox, TimeProvider clock,
    ILogger<AdjustEscrowToContractConsumer> logger) : IConsumer<AdjustEscrowToContract>
{
    public Task Consume(ConsumeContext<AdjustEscrowToContract> context)
    {
        var contract = context.Message;
        return db.ApplyOnceAsync(context, nameof(AdjustEscrowToContractConsumer), async tx =>
        {
            var now = clock.GetUtcNow();
            var escrow = AccountRef.Escrow(contract.OrderId, contract.Currency);
            await Ledger.LockBalanceAsync(tx, escrow);
            var retaken = await EscrowFunding.PostAsync(tx, contract.OrderId, contract.Currency, now);
            var held = -await Ledger.LockBalanceAsync(tx, escrow);
            if (retaken?.Outcome == EscrowFunding.Outcome.WalletShort || held < contract.ContractPrice)
            {
                // The reservation lapsed and the wallet spent the money meanwhile: the contract has no escrow behind it.
                logger.LogError("Order {OrderId}'s escrow holds {Held} {Currency}, less than its contract price {Price}",
                    contract.OrderId, held, contract.Currency, contract.ContractPrice);
                throw new InvalidOperationException($"Order {contract.OrderId}'s escrow holds {held}, less than the contract price {contract.ContractPrice}");
            }
            // What prices the contract at acceptance (its penalty and fee), kept whole from the order's terms.
            var terms = contract.Terms;
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO contracts (contract_id, order_id, enterprise_org_id, vendor_org_id, price, currency, deliver_by,
                                       late_penalty_percent_per_day, max_penalty_percent, fee_percent, minimum_fee)
                VALUES (@ContractId, @OrderId, @EnterpriseOrgId, @VendorOrgId, @ContractPrice, @Currency, @deliverBy,
                        @perDay, @maxPercent, @feePercent, @minimumFee)
                ON CONFLICT (contract_id) DO NOTHING
                """, new
            {
                contract.ContractId, contract.OrderId, contract.EnterpriseOrgId, contract.VendorOrgId, contract.ContractPrice, contract.Currency,
                deliverBy = contract.DeliverBy?.UtcDateTime, perDay = terms?.Tender?.LatePenaltyPercentPerDay ?? 0m,
                maxPercent = terms?.Tender?.MaxPenaltyPercent ?? 0m, feePercent = terms?.FeePercent ?? 0m, minimumFee = terms?.MinimumFee ?? 0m,
            }, tx);
            var refund = held - contract.ContractPrice;
            if (refund > 0)
            {
                await Ledger.BookAsync(tx, new LedgerEntry($"contract-refund:{contract.ContractId}", "refund", contract.OrderId, now,
                    LedgerEntry.Transfer(escrow, AccountRef.Wallet(contract.EnterpriseOrgId, contract.Currency), refund)));
            }
            await outbox.AddAsync(tx, new EscrowAdjustedToContract(contract.OrderId, contract.ContractId, contract.ContractPrice, refund,
                contract.Currency, now));
        });
    }
}
