using System.Net;
using Dapper;
using Marketplace.Contracts.Orders;
using Npgsql;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// A contract's money at acceptance: the vendor's payable is credited the price less the platform fee (and less a late
/// penalty, which goes back to the enterprise), to the fen, the escrow empties and reconciliation stays green.
/// </summary>
public class ContractMoneyTests
{
    [Test]
    public async Task An_accepted_contract_pays_its_vendor_the_price_less_the_fee_to_the_fen()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15.55m);
        Assert.That(await ContractedMoney.VendorBalanceAsync(order.Vendor), Is.Zero, "nothing is owed before acceptance");
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.AcceptAsync(order);

        var fee = ContractedMoney.Fee(order);
        Assert.That(fee, Is.GreaterThan(0m), "the order states a fee");
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == 15.55m - fee,
            $"the vendor is owed 15.55 - {fee}");
        var account = await order.Vendor.GetAsync("/api/settlement/vendor/account");
        Assert.That(account.Money("available"), Is.EqualTo(15.55m - fee));
        Assert.That(await Scenario.EscrowAsync(order.OrderId), Is.Zero, "the escrow is spent: vendor and platform");
        var wallet = await order.Enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(100m - 15.55m), "the enterprise paid the contract price, no more");

        var contract = await order.Vendor.GetAsync($"/api/bidding/contracts/{order.ContractId}");
        Assert.That(contract.Money("latePenaltyOwed"), Is.Zero, "delivered on time");
        Assert.That(contract.GetProperty("daysLate").GetInt32(), Is.Zero);

        // The vendor's statement: the order's income, costs and margin, which is what its payable was credited.
        var period = $"from={Q(DateTimeOffset.UtcNow.AddHours(-1))}&to={Q(DateTimeOffset.UtcNow.AddMinutes(5))}";
        var statement = await order.Vendor.GetAsync($"/api/settlement/statements/vendor?{period}");
        var line = statement.GetProperty("orders").EnumerateArray().Single(o => o.GetProperty("orderId").GetGuid() == order.OrderId);
        Assert.That(line.GetProperty("role").GetString(), Is.EqualTo("contract"));
        Assert.That(line.Money("income"), Is.EqualTo(15.55m));
        Assert.That(line.Money("fee"), Is.EqualTo(fee));
        Assert.That(line.Money("penalty"), Is.Zero);
        Assert.That(line.Money("workerCosts"), Is.Zero);
        Assert.That(line.Money("margin"), Is.EqualTo(15.55m - fee));
        Assert.That(line.Money("receivable"), Is.EqualTo(15.55m - fee), "the margin is what the ledger credited");
        Assert.That(statement.Money("closingReceivable"), Is.EqualTo(15.55m - fee));
        var csv = await order.Vendor.Http.GetStringAsync($"/api/settlement/statements/vendor?{period}&format=csv");
        Assert.That(csv, Does.Contain($"order,{order.OrderId},").And.Contain(",margin,"));
        var enterpriseSees = await order.Enterprise.Http.GetAsync($"/api/settlement/statements/vendor?{period}");
        Assert.That(enterpriseSees.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await ContractedMoney.AssertReconciledAsync();
    }

    /// <summary>
    /// Sub-contracts as the work-package side will announce them (SubcontractAgreed, put on RabbitMQ as orders sends it):
    /// the contract's vendor A gives part of the work to B for 6.00, B passes part of that to C for 2.50. At acceptance
    /// every tier is credited its income less what it gave on, to the fen; A also bears the fee.
    /// </summary>
    [Test]
    public async Task A_sub_contracted_order_pays_every_tier_its_share_to_the_fen()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        var b = await Api.SignUpAsync("vendor");
        var c = await Api.SignUpAsync("vendor");
        await Tender.PublishAsync(new SubcontractAgreed(Guid.NewGuid(), order.OrderId, order.ContractId, order.Vendor.OrgId, b.OrgId, 4, 6.00m, "CNY", DateTimeOffset.UtcNow));
        await Tender.PublishAsync(new SubcontractAgreed(Guid.NewGuid(), order.OrderId, order.ContractId, b.OrgId, c.OrgId, 2, 2.50m, "CNY", DateTimeOffset.UtcNow));
        await Api.EventuallyAsync(async () =>
        {
            await using var settlement = new NpgsqlConnection(Cluster.Database("settlement"));
            return await settlement.ExecuteScalarAsync<long>("SELECT count(*) FROM subcontracts WHERE order_id = @OrderId", new { order.OrderId }) == 2;
        }, "settlement keeps both sub-contracts");
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.AcceptAsync(order);

        var fee = ContractedMoney.Fee(order);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(c) == 2.50m, "C is owed its sub-contract price");
        Assert.That(await ContractedMoney.VendorBalanceAsync(b), Is.EqualTo(6.00m - 2.50m), "B keeps its price less what it gave C");
        Assert.That(await ContractedMoney.VendorBalanceAsync(order.Vendor), Is.EqualTo(15m - fee - 6.00m), "A keeps the rest after the fee");
        Assert.That(await Scenario.EscrowAsync(order.OrderId), Is.Zero);
        var period = $"from={Q(DateTimeOffset.UtcNow.AddHours(-1))}&to={Q(DateTimeOffset.UtcNow.AddMinutes(5))}";
        var bLine = (await b.GetAsync($"/api/settlement/statements/vendor?{period}")).GetProperty("orders").EnumerateArray().Single();
        Assert.That(bLine.GetProperty("role").GetString(), Is.EqualTo("subcontract"));
        Assert.That(bLine.Money("income"), Is.EqualTo(6.00m));
        Assert.That(bLine.Money("subcontractCosts"), Is.EqualTo(2.50m));
        Assert.That(bLine.Money("margin"), Is.EqualTo(3.50m));
        await ContractedMoney.AssertReconciledAsync();
    }

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToUniversalTime().ToString("O"));

    [Test]
    public async Task A_late_delivery_pays_its_penalty_back_to_the_enterprise()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m,
            tender: new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1), latePenaltyPercentPerDay = 2m, maxPenaltyPercent = 10m });
        await ContractedMoney.DueAgoAsync(order, TimeSpan.FromDays(2) + TimeSpan.FromHours(1));
        await ContractedMoney.DeliverAsync(order);

        // Two days and an hour late is three days (a part of a day counts): 6% of 15.00.
        await Api.EventuallyAsync(async () =>
            (await order.Enterprise.GetAsync($"/api/bidding/contracts/{order.ContractId}")).GetProperty("daysLate").GetInt32() == 3,
            "bidding knows the delivery came three days late");
        var contract = await order.Enterprise.GetAsync($"/api/bidding/contracts/{order.ContractId}");
        Assert.That(contract.Money("latePenaltyOwed"), Is.EqualTo(0.90m));

        await ContractedMoney.AcceptAsync(order);
        var fee = ContractedMoney.Fee(order, penalty: 0.90m);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == 15m - 0.90m - fee,
            $"the vendor is owed 15.00 - 0.90 - {fee}");
        var wallet = await order.Enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(100m - 15m + 0.90m), "the penalty went back to the enterprise");
        Assert.That(await Scenario.EscrowAsync(order.OrderId), Is.Zero);
        await ContractedMoney.AssertReconciledAsync();
    }

    [Test]
    public async Task The_penalty_is_capped_at_the_contracts_maximum()
    {
        var order = await ContractedMoney.AwardedAsync(price: 20m,
            tender: new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1), latePenaltyPercentPerDay = 3m, maxPenaltyPercent = 5m });
        await ContractedMoney.DueAgoAsync(order, TimeSpan.FromDays(9));
        await ContractedMoney.DeliverAsync(order);
        await Api.EventuallyAsync(async () =>
            (await order.Vendor.GetAsync($"/api/bidding/contracts/{order.ContractId}")).Money("latePenaltyOwed") == 1.00m,
            "the contract owes 5% of 20.00, not 27%");
        await ContractedMoney.AcceptAsync(order);
        var fee = ContractedMoney.Fee(order, penalty: 1.00m);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == 19m - fee, "the vendor bears the capped penalty");
    }
}
