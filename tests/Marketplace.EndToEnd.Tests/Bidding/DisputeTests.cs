using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// Disputes over a contracted order's acceptance: the enterprise opens one after a delivery failed acceptance twice, the
/// vendor when it contests a failure; the order stops, disputed; an operator decides (release, partial, refund), the
/// ledger books the decision once, the order closes and the contract records the outcome.
/// </summary>
public class DisputeTests
{
    private static async Task FailOnceAsync(ContractedMoney.Order order)
    {
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.JudgeAsync(order, ok: false);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "rework");
    }

    private static async Task<JsonElement> OpenAsync(Actor by, ContractedMoney.Order order, string evidence = "Items 3 and 7 match the guideline's example 4.") =>
        await Api.ReadAsync(await by.PostAsync($"/api/orders/orders/{order.OrderId}/disputes", new { evidence }), HttpStatusCode.Created);

    private static async Task<JsonElement> DecideAsync(Guid disputeId, object decision, string? key = null)
    {
        var op = await Api.OperatorAsync();
        return await Api.ReadAsync(await op.PostAsync($"/api/orders/disputes/{disputeId}/decision", decision, key ?? Guid.NewGuid().ToString()),
            HttpStatusCode.OK);
    }

    private static async Task ExpectWalletAsync(Actor enterprise, decimal available, string what) =>
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("available") == available, what);

    private static async Task ExpectContractAsync(ContractedMoney.Order order, string outcome) =>
        await Api.EventuallyAsync(async () =>
        {
            var contract = await order.Vendor.GetAsync($"/api/bidding/contracts/{order.ContractId}");
            return contract.GetProperty("disputeOutcome").ValueKind == JsonValueKind.String && contract.GetProperty("disputeOutcome").GetString() == outcome;
        }, $"bidding records the dispute's outcome {outcome}");

    [Test]
    public async Task An_enterprise_disputes_after_two_failed_acceptances_and_a_release_pays_the_vendor_as_if_accepted()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await FailOnceAsync(order);
        var early = await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/orders/{order.OrderId}/disputes",
            new { evidence = "Wrong again." }), HttpStatusCode.Conflict);
        Assert.That(early.GetProperty("detail").GetString(), Does.Contain("failed acceptance twice"));
        await FailOnceAsync(order);

        var stranger = await Api.SignUpAsync("vendor");
        await Api.ReadAsync(await stranger.PostAsync($"/api/orders/orders/{order.OrderId}/disputes", new { evidence = "Me too." }), HttpStatusCode.NotFound);
        var dispute = await OpenAsync(order.Enterprise, order);
        var id = dispute.GetProperty("id").GetGuid();
        Assert.That(dispute.GetProperty("openedBy").GetString(), Is.EqualTo("enterprise"));
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "disputed");
        await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/orders/{order.OrderId}/disputes", new { evidence = "Again." }),
            HttpStatusCode.Conflict);

        // The two parties see it, nobody else; the operator lists it among the open disputes.
        Assert.That((await order.Vendor.GetAsync($"/api/orders/disputes/{id}")).GetProperty("evidence").GetString(), Does.Contain("example 4"));
        await Api.ReadAsync(await stranger.Http.GetAsync($"/api/orders/disputes/{id}"), HttpStatusCode.NotFound);
        Assert.That((await stranger.GetAsync("/api/orders/disputes")).GetProperty("total").GetInt64(), Is.Zero);
        var op = await Api.OperatorAsync();
        var open = await op.GetAsync("/api/orders/disputes?status=open&pageSize=100");
        var pages = open.GetProperty("total").GetInt64();
        Assert.That(pages, Is.GreaterThanOrEqualTo(1));
        await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/disputes/{id}/decision", new { outcome = "refund" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Forbidden);

        var key = Guid.NewGuid().ToString();
        var decided = await DecideAsync(id, new { outcome = "release", note = "The samples were judged against the wrong guideline." }, key);
        Assert.That(decided.GetProperty("outcome").GetString(), Is.EqualTo("release"));
        var replay = await DecideAsync(id, new { outcome = "release", note = "The samples were judged against the wrong guideline." }, key);
        Assert.That(replay.GetProperty("decidedAt").GetDateTime(), Is.EqualTo(decided.GetProperty("decidedAt").GetDateTime()), "a replay decides once");
        var again = await Api.ReadAsync(await op.PostAsync($"/api/orders/disputes/{id}/decision", new { outcome = "refund" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Conflict);
        Assert.That(again.GetProperty("code").GetString(), Is.EqualTo("conflict.decided"));

        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "closed");
        var fee = ContractedMoney.Fee(order);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == 15m - fee, "the vendor is paid as if accepted");
        await ExpectWalletAsync(order.Enterprise, 100m - 15m, "the enterprise paid the contract price and got its rework money back");
        Assert.That(await Scenario.EscrowAsync(order.OrderId), Is.Zero);
        await ExpectContractAsync(order, "release");
        await NotificationTests.ArrivesAsync(order.Vendor, "dispute.opened", p => p.GetProperty("disputeId").GetGuid() == id);
        await NotificationTests.ArrivesAsync(order.Enterprise, "dispute.decided",
            p => p.GetProperty("disputeId").GetGuid() == id && p.GetProperty("outcome").GetString() == "release");
        await ContractedMoney.AssertReconciledAsync();
    }

    [Test]
    public async Task A_vendor_contests_a_failed_acceptance_and_a_partial_release_splits_the_price()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await FailOnceAsync(order);
        var dispute = await OpenAsync(order.Vendor, order, "The enterprise's findings contradict its own instructions.");
        Assert.That(dispute.GetProperty("openedBy").GetString(), Is.EqualTo("vendor"));
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "disputed");
        await Api.EventuallyAsync(async () =>
            (await order.Enterprise.GetAsync($"/api/bidding/contracts/{order.ContractId}")).GetProperty("disputeStatus").GetString() == "open",
            "the contract shows the open dispute");

        var id = dispute.GetProperty("id").GetGuid();
        var op = await Api.OperatorAsync();
        var tooMuch = await Api.ReadAsync(await op.PostAsync($"/api/orders/disputes/{id}/decision", new { outcome = "partial", vendorAmount = 15m },
            Guid.NewGuid().ToString()), HttpStatusCode.UnprocessableEntity);
        Assert.That(tooMuch.GetProperty("code").GetString(), Is.EqualTo("dispute.amount_out_of_range"));
        var decided = await DecideAsync(id, new { outcome = "partial", vendorPercent = 40m });
        Assert.That(decided.Money("vendorAmount"), Is.EqualTo(6.00m), "40% of 15.00");

        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "closed");
        var fee = Math.Min(Math.Max(decimal.Round(6m * order.FeePercent / 100m, 2, MidpointRounding.AwayFromZero), order.MinimumFee), 6m);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == 6m - fee, "the vendor side gets 6.00 less its fee");
        await ExpectWalletAsync(order.Enterprise, 100m - 6m, "the rest of the contract price went back to the enterprise");
        Assert.That(await Scenario.EscrowAsync(order.OrderId), Is.Zero);
        await ExpectContractAsync(order, "partial");
        await ContractedMoney.AssertReconciledAsync();
    }

    [Test]
    public async Task A_refund_returns_what_escrow_holds_and_pays_the_vendor_nothing()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await FailOnceAsync(order);
        var dispute = await OpenAsync(order.Vendor, order);
        await DecideAsync(dispute.GetProperty("id").GetGuid(), new { outcome = "refund", note = "The delivery missed the format." });
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "closed");
        await ExpectWalletAsync(order.Enterprise, 100m, "the whole escrow came back");
        Assert.That(await ContractedMoney.VendorBalanceAsync(order.Vendor), Is.Zero);
        Assert.That(await Scenario.EscrowAsync(order.OrderId), Is.Zero);
        await ExpectContractAsync(order, "refund");
    }

    [Test]
    public async Task Bad_disputes_and_decisions_are_refused_and_change_nothing()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        // Nothing failed yet: in progress, not disputable.
        var tooSoon = await Api.ReadAsync(await order.Vendor.PostAsync($"/api/orders/orders/{order.OrderId}/disputes", new { evidence = "Early." }),
            HttpStatusCode.Conflict);
        Assert.That(tooSoon.GetProperty("code").GetString(), Is.EqualTo("conflict.in_progress"));
        await FailOnceAsync(order);
        var path = $"/api/orders/orders/{order.OrderId}/disputes";
        await Api.ReadAsync(await order.Vendor.PostAsync(path, new { evidence = "" }), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await order.Vendor.PostAsync(path, new { evidence = new string('x', 4001) }), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await order.Vendor.PostAsync(path, "{\"evidence\": 12"), HttpStatusCode.BadRequest);
        var worker = await Api.SignUpAsync("worker");
        await Api.ReadAsync(await worker.PostAsync(path, new { evidence = "Hm." }), HttpStatusCode.Forbidden);
        var otherEnterprise = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await otherEnterprise.PostAsync(path, new { evidence = "Hm." }), HttpStatusCode.NotFound);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "rework");

        var dispute = await OpenAsync(order.Vendor, order);
        var decision = $"/api/orders/disputes/{dispute.GetProperty("id").GetGuid()}/decision";
        var op = await Api.OperatorAsync();
        await Api.ReadAsync(await op.PostAsync(decision, new { outcome = "release" }), HttpStatusCode.BadRequest); // no Idempotency-Key
        await Api.ReadAsync(await op.PostAsync(decision, new { outcome = "maybe" }, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.PostAsync(decision, new { outcome = "partial" }, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.PostAsync(decision, new { outcome = "partial", vendorAmount = 1.001m }, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.PostAsync(decision, new { outcome = "refund", vendorPercent = 10m }, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.PostAsync($"/api/orders/disputes/{Guid.NewGuid()}/decision", new { outcome = "refund" }, Guid.NewGuid().ToString()),
            HttpStatusCode.NotFound);
        var key = Guid.NewGuid().ToString();
        await DecideAsync(dispute.GetProperty("id").GetGuid(), new { outcome = "refund" }, key);
        var reused = await Api.ReadAsync(await op.PostAsync(decision, new { outcome = "release" }, key), HttpStatusCode.UnprocessableEntity);
        Assert.That(reused.GetProperty("code").GetString(), Is.EqualTo("idempotency.key_reused"));
        await Api.ReadAsync(await op.Http.GetAsync("/api/orders/disputes?pageSize=0"), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.Http.GetAsync("/api/orders/disputes?status=maybe"), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.Http.GetAsync("/api/orders/disputes?orderId=nope"), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await op.Http.GetAsync("/api/orders/disputes?page=10001"), HttpStatusCode.BadRequest);
        var byOrder = await op.GetAsync($"/api/orders/disputes?orderId={order.OrderId}");
        Assert.That(byOrder.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("orderId").GetGuid()), Is.EqualTo(new[] { order.OrderId }),
            "one order's dispute, found by the order");
        await Api.ReadAsync(await worker.Http.GetAsync("/api/orders/disputes"), HttpStatusCode.Forbidden);
    }
}
