using System.Net;
using System.Text.Json;
using Marketplace.EndToEnd.Tests.Bidding;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// A vendor's money in the browser, in Chinese: the receivable an accepted contract earned, the company bank account
/// (each field's problem at the field, the number shown masked), a withdrawal the bank pays and one it declines with
/// the bank's reason; and the statement's income, costs and margin with their totals, chart and CSV. The contract is
/// made and accepted through the API. The fake bank's mode is the cluster's, so the fixture runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public class VendorMoneyPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    private Actor _operator = null!;

    [OneTimeSetUp]
    public async Task StartObserving()
    {
        await Tender.BusAsync();
        _operator = await Api.OperatorAsync();
    }

    [TearDown]
    public async Task BankWorksAgain() => await SetBankAsync("succeed");

    private async Task SetBankAsync(string mode) =>
        await Api.ReadAsync(await Api.Send(_operator.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode }), HttpStatusCode.OK);

    /// <summary>A vendor whose contract of ¥15.00 was accepted, paid the price less the platform fee.</summary>
    private static async Task<(ContractedMoney.Order Order, decimal Earned)> AcceptedContractAsync()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.AcceptAsync(order);
        var earned = 15m - ContractedMoney.Fee(order);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == earned, "the vendor was paid the contract");
        return (order, earned);
    }

    private static string Yuan(decimal amount) => "¥" + amount.ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);

    private async Task WithdrawAsync(decimal amount)
    {
        await Page.GetByLabel("提现金额（元）").FillAsync(amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator(".withdraw").GetByRole(AriaRole.Button, new() { Name = "提现" }).ClickAsync();
        await Expect(Toast("已申请提现").Last).ToBeVisibleAsync(); // the first withdrawal's message may still show
    }

    [Test]
    public async Task A_vendor_sets_its_bank_account_and_withdraws_one_paid_and_one_declined_with_the_banks_reason()
    {
        var (order, earned) = await AcceptedContractAsync();
        var vendor = order.Vendor;
        await SignInAsync(vendor);
        await Page.GetByRole(AriaRole.Link, new() { Name = "收款与提现" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "收款与提现" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#vendor-available")).ToHaveTextAsync(Yuan(earned));
        await Expect(Page.Locator(".bank-account .notice")).ToContainTextAsync("尚未设置收款账户");

        // Each field's problem under the field, before anything is sent.
        await Page.GetByLabel("开户银行").FillAsync("江");
        await Page.GetByLabel("账号").FillAsync("6222-abc");
        await Page.GetByLabel("户名（单位全称）").FillAsync("苏州数据标注有限公司");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存收款账户" }).ClickAsync();
        await Expect(Page.Locator(".field[data-field='bankName'] .field-error")).ToHaveTextAsync("应为 2–100 个字符。");
        await Expect(Page.Locator(".field[data-field='accountNumber'] .field-error")).ToHaveTextAsync("账号应为 8–30 位数字（可含空格或短横线）。");
        await Expect(Page.GetByLabel("账号")).ToHaveAttributeAsync("aria-invalid", "true");
        await Api.ReadAsync(await vendor.Http.GetAsync("/api/payouts/vendor-account"), HttpStatusCode.NotFound);

        await Page.GetByLabel("开户银行").FillAsync("江苏银行");
        await Page.GetByLabel("账号").FillAsync("6222 0210 0109 8765 432");
        await Page.Locator(".bank-account").GetByLabel("登录密码").FillAsync("e2e-password-1"); // where money goes: the password again
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存收款账户" }).ClickAsync();
        await Expect(Toast("收款账户已保存")).ToBeVisibleAsync();
        await Expect(Page.Locator(".current-account")).ToHaveTextAsync("当前：江苏银行 **** 5432（苏州数据标注有限公司）");
        var saved = await vendor.GetAsync("/api/payouts/vendor-account");
        Assert.That(saved.GetProperty("holderName").GetString(), Is.EqualTo("苏州数据标注有限公司"));
        await Api.EventuallyAsync(async () =>
            (await vendor.GetAsync("/api/settlement/vendor/account")).GetProperty("payoutAccount").ValueKind == JsonValueKind.String,
            "settlement knows where the vendor withdraws to");

        // More than is available is said at the field; then 5.00 goes out and the bank pays it.
        await Page.GetByLabel("提现金额（元）").FillAsync((earned + 1m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator(".withdraw").GetByRole(AriaRole.Button, new() { Name = "提现" }).ClickAsync();
        await Expect(Page.Locator(".field[data-field='amount'] .field-error")).ToHaveTextAsync($"超出可提现金额 {Yuan(earned)}。");
        await WithdrawAsync(5m);
        var paid = Page.Locator(".withdrawals-table tbody tr").First;
        await Expect(paid.Locator(".withdrawal-status")).ToHaveAttributeAsync("data-value", "sent");
        await Expect(paid.Locator(".withdrawal-status")).ToHaveTextAsync("已到账");
        await Expect(paid.Locator(".withdrawal-result")).ToContainTextAsync("FAKEBANK-");
        await Expect(Page.Locator("#vendor-available")).ToHaveTextAsync(Yuan(earned - 5m));

        // The bank declines the rest: the reason shows, and the money is available again.
        await SetBankAsync("decline");
        await WithdrawAsync(earned - 5m);
        var declined = Page.Locator(".withdrawals-table tbody tr").First;
        await Expect(declined.Locator(".withdrawal-status")).ToHaveAttributeAsync("data-value", "failed", new() { Timeout = 45_000 });
        await Expect(declined.Locator(".withdrawal-status")).ToHaveTextAsync("失败");
        await Expect(declined.Locator(".withdrawal-result")).ToContainTextAsync("Declined");
        await Expect(Page.Locator("#vendor-available")).ToHaveTextAsync(Yuan(earned - 5m));
        var withdrawals = (await vendor.GetAsync("/api/settlement/vendor/withdrawals")).GetProperty("items").EnumerateArray()
            .Select(w => (w.Money("amount"), w.GetProperty("status").GetString())).ToList();
        Assert.That(withdrawals, Is.EqualTo(new[] { (earned - 5m, "failed"), (5m, "sent") }));
        Assert.That((await vendor.GetAsync("/api/settlement/vendor/account")).Money("available"), Is.EqualTo(earned - 5m));
        await SnapAsync("page-vendor-money-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }

    [Test]
    public async Task The_vendor_statement_shows_each_orders_income_costs_and_margin_with_totals_a_chart_and_CSV()
    {
        var (order, earned) = await AcceptedContractAsync();
        var fee = 15m - earned;
        await SignInAsync(order.Vendor);
        await Page.GotoAsync("/#/statements");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "对账单" })).ToBeVisibleAsync();
        var row = Page.Locator(".statement-orders .el-table__body tr", new() { HasText = order.OrderId.ToString()[..8] });
        await Expect(row.Locator("[data-field='role']")).ToHaveTextAsync("总包合同");
        await Expect(row.Locator("[data-field='income']")).ToHaveTextAsync(Yuan(15m));
        await Expect(row.Locator("[data-field='fee']")).ToHaveTextAsync(Yuan(fee));
        await Expect(row.Locator("[data-field='margin']")).ToHaveTextAsync(Yuan(earned));
        await Expect(Page.Locator(".statement-orders .el-table__footer")).ToContainTextAsync("合计");
        await Expect(Page.Locator(".statement-orders .el-table__footer")).ToContainTextAsync(Yuan(earned));
        await Expect(Page.Locator("#statement-closingReceivable")).ToHaveTextAsync(Yuan(earned));
        await Expect(Page.GetByRole(AriaRole.Columnheader, new() { Name = "分包成本" })).ToBeVisibleAsync();

        var chart = Page.Locator(".margin-chart .chart");
        await Expect(chart.Locator("svg")).ToHaveCountAsync(1);
        var drawn = JsonDocument.Parse((await chart.GetAttributeAsync("data-values"))!).RootElement;
        Assert.That(drawn.Money("income"), Is.EqualTo(15m));
        Assert.That(drawn.Money("costs"), Is.EqualTo(fee));
        Assert.That(drawn.Money("margin"), Is.EqualTo(earned));

        var download = await Page.RunAndWaitForDownloadAsync(() => Page.Locator("button.csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.That(csv, Does.Contain($"order,{order.OrderId}"));
        Assert.That(csv, Does.Contain("margin"));
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
