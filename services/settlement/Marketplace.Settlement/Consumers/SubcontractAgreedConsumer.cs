using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>Two vendors agreed a sub-contract: kept to split the contract's money between the tiers at acceptance.</summary>
public sealed class SubcontractAgreedConsumer(NpgsqlDataSource db) : IConsumer<SubcontractAgreed>
{
    public Task Consume(ConsumeContext<SubcontractAgreed> context)
    {
        var s = context.Message;
        return db.ApplyOnceAsync(context, nameof(SubcontractAgreedConsumer), tx => tx.Connection!.ExecuteAsync("""
            INSERT INTO subcontracts (subcontract_id, order_id, contract_id, from_vendor_org_id, to_vendor_org_id, items, price, currency, agreed_at)
            VALUES (@SubcontractId, @OrderId, @ContractId, @FromVendorOrgId, @ToVendorOrgId, @Items, @Price, @Currency, @at)
            ON CONFLICT (subcontract_id) DO NOTHING
            """, new { s.SubcontractId, s.OrderId, s.ContractId, s.FromVendorOrgId, s.ToVendorOrgId, s.Items, s.Price, s.Currency, at = s.OccurredAt.UtcDateTime }, tx));
    }
}
