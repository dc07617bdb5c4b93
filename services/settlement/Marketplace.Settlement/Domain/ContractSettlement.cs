using Dapper;
using Marketplace.Contracts.Settlement;
using Marketplace.Labeling.Money;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Settlement.Domain;

/// <summary>
/// Books an accepted contract's split (<see cref="ContractSplit"/>) out of its escrow, once: the late penalty back to
/// the enterprise's wallet (penalty:&lt;contract&gt;), the platform fee (contract-fee:&lt;contract&gt;) and each vendor's
/// receivable to its vendor payable (receivable:&lt;contract&gt;:&lt;vendor&gt;). Called by the escrow's closure with the
/// escrow locked and every approval booked; whatever the escrow holds beyond the price (rework the enterprise paid for)
/// is released to the wallet after it, as for crowd orders.
/// </summary>
public static class ContractSettlement
{
    private sealed record ContractRow(Guid ContractId, Guid EnterpriseOrgId, Guid VendorOrgId, decimal Price, string Currency,
        DateTime? DeliverBy, decimal LatePenaltyPercentPerDay, decimal MaxPenaltyPercent, decimal FeePercent, decimal MinimumFee,
        DateTime? FirstDeliveredAt, DateTime? SettledAt, string? DisputeOutcome, decimal? DisputeVendorAmount);

    /// <summary>
    /// Settles the contract as its closure says: accepted (or a dispute released) at its price less its late penalty; a
    /// dispute's partial release as if the price were the vendor side's amount, no penalty (the operator weighed it); a
    /// dispute's refund pays nobody more (approved work kept its pay). What escrow holds after it goes back to the wallet.
    /// </summary>
    /// <returns>false when the order has no contract (a crowd order): its minimum fee rule applies instead.</returns>
    public static async Task<bool> BookAsync(NpgsqlTransaction tx, Outbox outbox, Guid orderId, DateTimeOffset now)
    {
        var connection = tx.Connection!;
        var contract = await connection.QuerySingleOrDefaultAsync<ContractRow>("""
            SELECT contract_id, enterprise_org_id, vendor_org_id, price, currency, deliver_by, late_penalty_percent_per_day,
                   max_penalty_percent, fee_percent, minimum_fee, first_delivered_at, settled_at, dispute_outcome, dispute_vendor_amount
            FROM contracts WHERE order_id = @orderId FOR UPDATE
            """, new { orderId }, tx);
        if (contract is null) return false;
        if (contract.SettledAt is not null) return true;
        if (contract.DisputeOutcome == "refund")
        {
            await connection.ExecuteAsync("UPDATE contracts SET penalty = 0, fee = 0, settled_at = now() WHERE contract_id = @ContractId",
                new { contract.ContractId }, tx);
            await outbox.AddAsync(tx, new ContractSettled(orderId, contract.ContractId, 0m, 0m, [], contract.Currency, now));
            return true;
        }
        var price = contract.DisputeOutcome == "partial" ? contract.DisputeVendorAmount!.Value : contract.Price;

        var penalty = contract.DisputeOutcome == "partial" ? 0m : contract.DeliverBy is { } deliverBy
            ? LatePenalty.Amount(contract.Price, Utc(deliverBy), contract.FirstDeliveredAt is { } d ? Utc(d) : null,
                contract.LatePenaltyPercentPerDay, contract.MaxPenaltyPercent)
            : 0m;
        var spend = (await connection.QueryAsync<(Guid VendorOrgId, decimal Amount)>("""
            SELECT vendor_org_id, sum(amount) AS amount FROM vendor_package_costs WHERE order_id = @orderId GROUP BY vendor_org_id
            """, new { orderId }, tx)).ToDictionary(r => r.VendorOrgId, r => r.Amount);
        var subcontracts = (await connection.QueryAsync<Subcontract>("""
            SELECT from_vendor_org_id, to_vendor_org_id, price FROM subcontracts WHERE order_id = @orderId ORDER BY agreed_at, subcontract_id
            """, new { orderId }, tx)).ToList();
        var shares = ContractSplit.Split(price, penalty, contract.FeePercent, contract.MinimumFee, contract.VendorOrgId, spend, subcontracts);

        var currency = contract.Currency;
        var escrow = AccountRef.Escrow(orderId, currency);
        var id = contract.ContractId;
        if (shares.Penalty > 0)
            await Ledger.BookAsync(tx, new LedgerEntry($"penalty:{id}", "penalty", orderId, now,
                LedgerEntry.Transfer(escrow, AccountRef.Wallet(contract.EnterpriseOrgId, currency), shares.Penalty)));
        if (shares.Fee > 0)
            await Ledger.BookAsync(tx, new LedgerEntry($"contract-fee:{id}", "fee", orderId, now,
                LedgerEntry.Transfer(escrow, AccountRef.PlatformFees(currency), shares.Fee)));
        foreach (var (vendor, amount) in shares.Receivables.Where(r => r.Value != 0).OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
            await Ledger.BookAsync(tx, new LedgerEntry($"receivable:{id}:{vendor}", "receivable", orderId, now,
                LedgerEntry.Transfer(escrow, AccountRef.VendorPayable(vendor, currency), amount)));

        await connection.ExecuteAsync("""
            UPDATE contracts SET penalty = @Penalty, fee = @Fee, settled_at = now() WHERE contract_id = @id
            """, new { shares.Penalty, shares.Fee, id }, tx);
        await outbox.AddAsync(tx, new ContractSettled(orderId, id, shares.Penalty, shares.Fee,
            shares.Receivables.Select(r => new VendorShare(r.Key, r.Value)).ToList(), currency, now));
        return true;
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
