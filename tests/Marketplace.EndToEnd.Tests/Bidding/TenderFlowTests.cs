using System.Net;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// The contracted market through every service, as users drive it: an enterprise publishes a bid-mode order (orders
/// tenders it once settlement reserved the budget), a certified vendor bids in bidding, the deadline passes, the award
/// makes a contract, and settlement sets the escrow to the contract price with the rest back in the wallet.
/// </summary>
public class TenderFlowTests
{
    private static async Task<(Actor Enterprise, Guid OrderId, Tender.Call Call)> TenderingOrderAsync(object? tender = null,
        string grade = "general", decimal deposit = 100m)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, deposit);
        var body = Scenario.OrderBodyWith(new
        {
            mode = "bid", industry = Tender.Industry, dataGrade = grade,
            tender = tender ?? new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1) },
        }, items: 10, unitPrice: 2m);
        var orderId = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "tendering");
        return (enterprise, orderId, new Tender.Call(await Tender.CallIdAsync(enterprise, orderId), orderId, enterprise));
    }

    [Test]
    public async Task An_awarded_tender_makes_a_contract_and_its_escrow_becomes_the_contract_price()
    {
        var vendor = await Tender.VendorAsync();
        var (enterprise, orderId, call) = await TenderingOrderAsync();
        // 10 items at 2.00; the default fee schedule asks no minimum, so no reserve on top (FeeScheduleTests runs alone).
        const decimal budget = 20.00m;
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("budget"), Is.EqualTo(budget));
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("reserved"), Is.EqualTo(budget), "the budget is reserved for the tender");

        var visible = await vendor.GetAsync("/api/bidding/calls?pageSize=100");
        Assert.That(visible.GetProperty("items").EnumerateArray().Any(c => c.GetProperty("orderId").GetGuid() == orderId), Is.True,
            "a vendor whose listing covers the order sees its call");
        var over = await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", Tender.BidBody(amount: 25m, deliverInDays: 5));
        Assert.That((int)over.StatusCode, Is.EqualTo(422), "a bid over the budget is refused");
        var bidId = await Tender.BidAsync(vendor, call, amount: 15m, deliverInDays: 5);

        await Tender.PassDeadlineAsync(call);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "evaluating");
        var contract = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId }), HttpStatusCode.OK);
        Assert.That(contract.Money("price"), Is.EqualTo(15m));

        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("contractId").GetGuid(), Is.EqualTo(contract.GetProperty("id").GetGuid()));
        Assert.That(order.GetProperty("awardedVendorOrgId").GetGuid(), Is.EqualTo(vendor.OrgId));
        Assert.That(order.Money("contractPrice"), Is.EqualTo(15m));
        Assert.That(order.Money("refundedAmount"), Is.EqualTo(budget - 15m), "the budget above the contract price went back");
        wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("inEscrow"), Is.EqualTo(15m), "escrow holds the contract price");
        Assert.That(wallet.Money("reserved"), Is.Zero);
        Assert.That(wallet.Money("available"), Is.EqualTo(85m));
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.Zero, "a contract's work is the vendor's, not the crowd's");
    }

    [Test]
    public async Task An_auto_awarding_tender_awards_the_top_bid_at_its_deadline()
    {
        var cheap = await Tender.VendorAsync();
        var dear = await Tender.VendorAsync();
        var (enterprise, orderId, call) = await TenderingOrderAsync(new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1), autoAward = true });
        await Tender.BidAsync(dear, call, amount: 19m, deliverInDays: 5);
        await Tender.BidAsync(cheap, call, amount: 12m, deliverInDays: 5);
        await Tender.PassDeadlineAsync(call);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("awardedVendorOrgId").GetGuid(), Is.EqualTo(cheap.OrgId));
        Assert.That((order.Money("budget"), order.Money("refundedAmount")), Is.EqualTo((20.00m, 8.00m)), "10 x 2.00 budgeted, the 12.00 bid won");
    }

    [Test]
    public async Task A_tender_without_bids_can_go_to_the_crowd_but_core_data_cannot()
    {
        var (enterprise, orderId, call) = await TenderingOrderAsync();
        await Tender.PassDeadlineAsync(call);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "no_bids");
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/switch-to-crowd"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 10, "the crowd got the items");
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("mode").GetString(), Is.EqualTo("crowd"));

        var (coreEnterprise, coreOrder, coreCall) = await TenderingOrderAsync(grade: "core");
        await Tender.PassDeadlineAsync(coreCall);
        await Scenario.WaitForStatusAsync(coreEnterprise, coreOrder, "no_bids");
        var refused = await Api.ReadAsync(await coreEnterprise.PostAsync($"/api/orders/orders/{coreOrder}/tender/switch-to-crowd"),
            HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("core-grade data never goes to the crowd"));
        // Tendering again opens round 2 in bidding.
        await Api.ReadAsync(await coreEnterprise.PostAsync($"/api/orders/orders/{coreOrder}/tender/retender",
            new { bidDeadline = DateTimeOffset.UtcNow.AddHours(2) }), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(coreEnterprise, coreOrder, "tendering");
        await Api.EventuallyAsync(async () =>
        {
            var calls = await coreEnterprise.GetAsync("/api/bidding/calls?pageSize=100");
            return calls.GetProperty("items").EnumerateArray().Any(c => c.GetProperty("orderId").GetGuid() == coreOrder && c.GetProperty("round").GetInt32() == 2);
        }, "bidding opened round 2");
    }
}
