using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// An enterprise takes unspent money out of its wallet in the browser, in Chinese: it names its bank account with the
/// password again, each problem of a withdrawal is said at its field before anything is sent, a wrong password withdraws
/// nothing, and the right one holds the money and the bank pays it (the history shows the bank's reference). The bank's
/// mode is the cluster's, so the fixture runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public class WalletWithdrawalPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task An_enterprise_names_its_bank_account_and_withdraws_unspent_money_with_its_password()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 50.00m);
        await SignInAsync(enterprise);
        await Page.GotoAsync("/#/wallet");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "钱包" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#available")).ToHaveTextAsync("¥50.00");
        await Expect(Page.Locator(".bank-account .notice")).ToContainTextAsync("尚未设置收款账户");
        await Expect(Page.Locator(".withdrawals-table")).ToContainTextAsync("暂无提现");

        var bank = Page.Locator(".bank-account");
        await bank.GetByLabel("开户银行").FillAsync("招商银行 上海分行");
        await bank.GetByLabel("账号").FillAsync("6214 8301 2345 6789");
        await bank.GetByLabel("户名（单位全称）").FillAsync("上海数智零售有限公司");
        await bank.GetByLabel("登录密码").FillAsync("e2e-password-1");
        await bank.GetByRole(AriaRole.Button, new() { Name = "保存收款账户" }).ClickAsync();
        await Expect(Toast("收款账户已保存")).ToBeVisibleAsync();
        await Expect(Page.Locator(".current-account")).ToHaveTextAsync("当前：招商银行 上海分行 **** 6789（上海数智零售有限公司）");

        // Said at the field before anything is sent: fen at most, no more than available, the password.
        var withdraw = Page.Locator(".withdraw");
        var submit = withdraw.GetByRole(AriaRole.Button, new() { Name = "提现" });
        await withdraw.GetByLabel("提现金额（元）").FillAsync("10.005");
        await submit.ClickAsync();
        await Expect(withdraw.Locator(".field[data-field='amount'] .field-error")).ToHaveTextAsync("金额最多两位小数（分）。");
        await Expect(withdraw.Locator(".field[data-field='password'] .field-error")).ToHaveTextAsync("必填。");
        await withdraw.GetByLabel("提现金额（元）").FillAsync("50.01");
        await withdraw.GetByLabel("登录密码").FillAsync("e2e-password-1");
        await submit.ClickAsync();
        await Expect(withdraw.Locator(".field[data-field='amount'] .field-error")).ToHaveTextAsync("超出可提现金额 ¥50.00。");

        // Settlement hears of the account by a message; then a wrong password withdraws nothing.
        await Api.EventuallyAsync(async () =>
        {
            using var stepUp = await enterprise.StepUpAsync();
            var probe = await Api.Send(stepUp, HttpMethod.Post, "/api/settlement/wallet/withdrawals", new { amount = 999m, currency = "CNY" }, Guid.NewGuid().ToString());
            return probe.StatusCode == HttpStatusCode.UnprocessableEntity;
        }, "settlement knows where the enterprise withdraws to");
        await withdraw.GetByLabel("提现金额（元）").FillAsync("12.34");
        await withdraw.GetByLabel("登录密码").FillAsync("not-my-password");
        await submit.ClickAsync();
        await Expect(withdraw.Locator(".form-error")).ToHaveTextAsync("当前密码不正确。");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet/withdrawals")).GetProperty("total").GetInt64(), Is.Zero);

        await withdraw.GetByLabel("登录密码").FillAsync("e2e-password-1");
        await submit.ClickAsync();
        await Expect(Toast("已申请提现 ¥12.34")).ToBeVisibleAsync();
        var row = Page.Locator(".withdrawals-table tbody tr").First;
        await Expect(row.Locator(".withdrawal-status")).ToHaveAttributeAsync("data-value", "sent", new() { Timeout = 30_000 });
        await Expect(row.Locator(".withdrawal-status")).ToHaveTextAsync("已到账");
        await Expect(row.Locator(".withdrawal-result")).ToContainTextAsync("FAKEBANK-");
        await Expect(row).ToContainTextAsync("招商银行 上海分行 **** 6789");
        await Expect(Page.Locator("#available")).ToHaveTextAsync("¥37.66"); // 50.00 - 12.34
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That((wallet.Money("available"), wallet.Money("withdrawing")), Is.EqualTo((37.66m, 0m)));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet/withdrawals")).GetProperty("total").GetInt64(), Is.EqualTo(1), "one submit, one withdrawal");
        await SnapAsync("page-enterprise-withdraw-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
