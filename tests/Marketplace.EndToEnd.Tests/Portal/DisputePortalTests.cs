using System.Text.Json;
using Marketplace.EndToEnd.Tests.Bidding;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// A dispute in the browser: the vendor contests a failed acceptance on its contract page with its evidence, an
/// operator finds it in the disputes queue and decides a partial release by percent, seeing beforehand what each side
/// would get; then the vendor (contract page, receivable) and the enterprise (order page) see the outcome and the
/// amounts. The contract is awarded, delivered and sent back through the API.
/// </summary>
[TestFixture]
public class DisputePortalTests : PortalTest
{
    [OneTimeSetUp]
    public Task StartObserving() => Tender.BusAsync();

    [Test]
    public async Task A_vendor_opens_a_dispute_in_the_page_an_operator_decides_a_partial_release_and_both_sides_see_the_amounts()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.JudgeAsync(order, ok: false);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "rework");
        await Api.EventuallyAsync(async () => (await order.Vendor.GetAsync($"/api/bidding/contracts/{order.ContractId}")).GetProperty("reworkRequested").GetBoolean(),
            "the contract knows the delivery was sent back");

        await SignInAsync(order.Vendor);
        await Page.GotoAsync($"/#/contracts/{order.ContractId}");
        var panel = Page.Locator(".dispute-panel");
        await Expect(panel).ToContainTextAsync("Contest the failed acceptance");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open a dispute" }).ClickAsync();
        await Expect(panel.Locator(".field[data-field='evidence'] .field-error")).ToHaveTextAsync("Write your evidence (up to 4,000 characters).");
        await Page.GetByLabel("Evidence").FillAsync("样本第 3、7 条与标注说明示例 4 一致：验收判定有误。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open a dispute" }).ClickAsync();
        await ConfirmAsync();
        await Expect(Toast("The dispute is open")).ToBeVisibleAsync();
        await Expect(panel.Locator(".dispute-status")).ToHaveAttributeAsync("data-value", "open");
        await Expect(panel.Locator(".evidence")).ToHaveTextAsync("样本第 3、7 条与标注说明示例 4 一致：验收判定有误。");
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "disputed");
        var dispute = (await order.Vendor.GetAsync($"/api/orders/disputes?orderId={order.OrderId}")).GetProperty("items").EnumerateArray().Single();
        var id = dispute.GetProperty("id").GetGuid();
        Assert.That(dispute.GetProperty("openedBy").GetString(), Is.EqualTo("vendor"));

        await NewBrowserContextAsync();
        await SignInAsync(await Api.OperatorAsync(), Cluster.OperatorPassword);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Disputes" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Disputes" })).ToBeVisibleAsync();
        await Page.Locator($".dispute-link[data-dispute-id='{id}']").ClickAsync();
        await Expect(Page.Locator("#dispute-price")).ToHaveTextAsync("¥15.00");
        await Expect(Page.Locator(".dispute-facts .evidence")).ToContainTextAsync("示例 4");

        // The whole price is not a partial release: said at the field, nothing sent.
        await Page.Locator(".outcome .el-radio-button", new() { HasText = "Partial release" }).ClickAsync();
        await Page.GetByLabel("Amount to the vendor (CNY)").FillAsync("15");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Decide", Exact = true }).ClickAsync();
        await Expect(Page.Locator(".field[data-field='vendorAmount'] .field-error")).ToContainTextAsync("less than the contract price ¥15.00");
        await Page.Locator(".partial-by .el-radio", new() { HasText = "By percent" }).ClickAsync();
        await Page.GetByLabel("Share to the vendor (%)").FillAsync("40");
        await Expect(Page.Locator(".decision-preview .to-vendor")).ToHaveTextAsync("¥6.00");
        await Expect(Page.Locator(".decision-preview .to-enterprise")).ToHaveTextAsync("¥9.00");
        await Page.Locator(".outcome .el-radio-button", new() { HasText = "Refund the enterprise" }).ClickAsync();
        await Expect(Page.Locator(".decision-preview .to-vendor")).ToHaveTextAsync("¥0.00");
        await Page.Locator(".outcome .el-radio-button", new() { HasText = "Partial release" }).ClickAsync();
        await Expect(Page.Locator(".decision-preview .to-vendor")).ToHaveTextAsync("¥6.00");
        await Page.GetByLabel("Note (optional, up to 2,000 characters)").FillAsync("Items 3 and 7 were right; the rest of the sample was not.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Decide", Exact = true }).ClickAsync();
        await ConfirmAsync();
        await Expect(Toast("Decided.")).ToBeVisibleAsync();
        await Expect(Page.Locator(".dispute-outcome")).ToHaveAttributeAsync("data-value", "partial");
        await Expect(Page.Locator(".decision-form")).ToHaveCountAsync(0);
        var decided = await order.Vendor.GetAsync($"/api/orders/disputes/{id}");
        Assert.That(decided.GetProperty("outcome").GetString(), Is.EqualTo("partial"));
        Assert.That(decided.Money("vendorAmount"), Is.EqualTo(6.00m));
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "closed");

        // Both sides see the outcome and the split.
        await NewBrowserContextAsync();
        await SignInAsync(order.Vendor);
        await Page.GotoAsync($"/#/contracts/{order.ContractId}");
        await Expect(Page.Locator(".dispute-panel .dispute-outcome")).ToHaveTextAsync("Partly released");
        await Expect(Page.Locator(".dispute-panel .to-vendor")).ToHaveTextAsync("¥6.00");
        await Expect(Page.Locator(".dispute-panel .to-enterprise")).ToHaveTextAsync("¥9.00");
        await Expect(Page.Locator(".dispute-panel .dispute-note")).ToContainTextAsync("Items 3 and 7 were right");
        var fee = Math.Min(Math.Max(decimal.Round(6m * order.FeePercent / 100m, 2, MidpointRounding.AwayFromZero), order.MinimumFee), 6m);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == 6m - fee, "the vendor side is booked");
        await Page.GotoAsync("/#/vendor/money");
        await Expect(Page.Locator("#vendor-available")).ToHaveTextAsync("¥" + (6m - fee).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));

        await NewBrowserContextAsync();
        await SignInAsync(order.Enterprise);
        await Page.GotoAsync($"/#/orders/{order.OrderId}");
        await Expect(Page.Locator(".dispute-panel .dispute-status")).ToHaveAttributeAsync("data-value", "decided");
        await Expect(Page.Locator(".dispute-panel .dispute-price")).ToHaveTextAsync("¥15.00");
        await Expect(Page.Locator(".dispute-panel .to-vendor")).ToHaveTextAsync("¥6.00");
        await Expect(Page.Locator(".dispute-panel .to-enterprise")).ToHaveTextAsync("¥9.00");
        await SnapAsync("page-enterprise-order-dispute");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }

    [Test]
    public async Task An_enterprise_may_dispute_from_its_order_page_only_after_two_failed_acceptances()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.JudgeAsync(order, ok: false);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "rework");

        await SignInAsync(order.Enterprise);
        await Page.GotoAsync($"/#/orders/{order.OrderId}");
        await Expect(Page.Locator("main h1")).ToBeVisibleAsync();
        await Expect(Page.Locator(".dispute-panel")).ToHaveCountAsync(0);

        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.JudgeAsync(order, ok: false);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "rework");
        await Page.ReloadAsync();
        await Expect(Page.Locator(".dispute-panel")).ToContainTextAsync("failed acceptance twice");
        await Page.GetByLabel("Evidence").FillAsync("The second delivery repeats the same mistakes in items 2, 5 and 9.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open a dispute" }).ClickAsync();
        await ConfirmAsync();
        await Expect(Page.Locator(".dispute-panel .dispute-status")).ToHaveAttributeAsync("data-value", "open");
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "disputed");
        var opened = (await order.Enterprise.GetAsync($"/api/orders/disputes?orderId={order.OrderId}")).GetProperty("items")[0];
        Assert.That(opened.GetProperty("openedBy").GetString(), Is.EqualTo("enterprise"));
        var stranger = await Api.SignUpAsync("enterprise");
        Assert.That((await stranger.GetAsync($"/api/orders/disputes?orderId={order.OrderId}")).GetProperty("total").GetInt64(), Is.Zero,
            "another organisation's order lists no dispute");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
