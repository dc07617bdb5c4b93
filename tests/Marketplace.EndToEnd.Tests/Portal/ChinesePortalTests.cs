using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// The portal as its users first see it: in Simplified Chinese, with an English switch that sticks; a worker sets a
/// payout method; and every role's main pages, each photographed at 1280x800, show without a console error.
/// </summary>
[TestFixture]
public class ChinesePortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task The_portal_is_Chinese_first_and_the_English_switch_survives_a_reload()
    {
        await Page.GotoAsync("/#/signin");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Page.Locator("button.lang-button[data-lang='en']").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await Page.ReloadAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(Page.Locator("button.lang-button[data-lang='en']")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.That(await Page.EvaluateAsync<string>("() => localStorage.getItem('mp.lang')"), Is.EqualTo("en"));

        await Page.Locator("button.lang-button[data-lang='zh-CN']").ClickAsync();
        await Page.ReloadAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        Assert.That(ConsoleErrors, Is.Empty);
    }

    [Test]
    public async Task A_worker_sets_a_bank_card_as_payout_method_after_a_wrong_number_is_named_at_the_field()
    {
        var worker = await Api.SignUpAsync("worker");
        await SignInAsync(worker);
        await Page.GotoAsync("/#/earnings");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "收益", Exact = true })).ToBeVisibleAsync();
        await Expect(Page.Locator(".payout-method")).ToContainTextAsync("尚未设置收款方式");

        await Page.GetByLabel("银行卡号").FillAsync("6222 0000 0000 0001"); // fails the Luhn check
        await Page.GetByLabel("账户持有人姓名").FillAsync("王小明");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存收款方式" }).ClickAsync();
        await Expect(Page.Locator(".field:has(input[name=account]) .field-error")).ToContainTextAsync("银行卡号应为 16–19 位数字");
        await Expect(Page.GetByLabel("银行卡号")).ToHaveAttributeAsync("aria-invalid", "true");

        await Page.GetByLabel("银行卡号").FillAsync("4111 1111 1111 1111");
        await Page.GetByLabel("登录密码").FillAsync("e2e-password-1"); // changing where the money goes needs the password again
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存收款方式" }).ClickAsync();
        await Expect(Page.Locator(".current-method")).ToContainTextAsync("银行卡", new() { Timeout = 20_000 });
        await Expect(Page.Locator(".current-method")).ToContainTextAsync("王小明");
        await SnapAsync("worker-earnings-zh");

        var method = await worker.GetAsync("/api/payouts/method");
        Assert.That(method.GetProperty("method").GetString(), Is.EqualTo("bank_card"));
        Assert.That(method.GetProperty("holderName").GetString(), Is.EqualTo("王小明"));
        Assert.That(method.GetProperty("account").GetString(), Does.EndWith("1111"));
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task An_enterprise_creates_an_order_through_the_wizard_with_a_dataset_file()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await SignInAsync(enterprise);
        await Page.GotoAsync("/#/orders/new");
        await Page.GetByLabel("标题").FillAsync("医疗问诊意图分类");
        await Page.GetByLabel("标签", new() { Exact = true }).FillAsync("positive, negative"); // the file's model pre-labels use these
        await ChooseAsync(Page.GetByLabel("行业"), "医疗");
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByText("重要数据", new() { Exact = true }).ClickAsync();
        await Page.GetByText("创建后上传数据集文件", new() { Exact = false }).ClickAsync();
        await Page.Locator("#wizard-dataset").SetInputFilesAsync(new FilePayload
        {
            Name = "reviews.jsonl", MimeType = "application/jsonl", Buffer = System.Text.Encoding.UTF8.GetBytes(DatasetUploadTests.Jsonl(40)),
        });
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByLabel("单价（元）").FillAsync("0.0125");
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Expect(Page.Locator("[data-step='review']")).ToContainTextAsync("¥0.0125");
        await Expect(Page.Locator("[data-step='review']")).ToContainTextAsync("医疗");
        await SnapAsync("enterprise-wizard-review-zh");
        await Page.GetByRole(AriaRole.Button, new() { Name = "创建草稿" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "医疗问诊意图分类" })).ToBeVisibleAsync(new() { Timeout = 45_000 });
        await Expect(Page.Locator(".stat:has(.stat-label:text-is('条目')) .stat-value")).ToHaveTextAsync("40", new() { Timeout = 30_000 });
        var orders = await enterprise.GetAsync("/api/orders/orders");
        var order = orders.EnumerateArray().Single();
        Assert.That(order.GetProperty("industry").GetString(), Is.EqualTo("medical"));
        Assert.That(order.GetProperty("dataGrade").GetString(), Is.EqualTo("important"));
        Assert.That(order.GetProperty("itemCount").GetInt32(), Is.EqualTo(40));
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task An_operator_approves_a_vendors_certification_in_the_queue()
    {
        var vendor = await Api.SignUpAsync("vendor");
        var name = $"ISO 27001 {Guid.NewGuid():N}"[..20];
        var certification = await Api.ReadAsync(await vendor.PostAsync("/api/orders/certifications",
            new { name, issuer = "中国网络安全审查技术与认证中心", grade = "important", validUntil = "2030-12-31" }), HttpStatusCode.Created);

        await SignInAsync(await Api.OperatorAsync(), Cluster.OperatorPassword);
        await Page.GotoAsync("/#/ops/certifications");
        var row = Page.Locator(".certifications tr", new() { HasText = name });
        await Expect(row).ToContainTextAsync("重要数据");
        await row.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Expect(Page.Locator(".certifications tr", new() { HasText = name })).ToHaveCountAsync(0);
        var approved = await vendor.GetAsync("/api/orders/certifications");
        Assert.That(approved.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == certification.GetProperty("id").GetGuid())
            .GetProperty("status").GetString(), Is.EqualTo("approved"));
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    /// <summary>
    /// What went to the console, less the browser's own line for an answer the page expects: GET /api/payouts/method
    /// answers 404 while a worker has no payout method, and Chromium logs every 4xx.
    /// </summary>
    private List<string> UnexpectedConsoleErrors()
    {
        lock (ConsoleErrors) return ConsoleErrors.Where(e => !e.StartsWith("Failed to load resource: the server responded with a status of 404", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Opens each page, waits for its heading, photographs the viewport, and asserts nothing went to the console.</summary>
    private async Task VisitAsync(string path, string heading, string shot)
    {
        await Page.GotoAsync(path);
        await Expect(Page.Locator("main h1").First).ToContainTextAsync(heading);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Directory.CreateDirectory(Screenshots);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"page-{shot}.png") });
        Assert.That(UnexpectedConsoleErrors(), Is.Empty, $"console errors on {path}");
    }

    [Test]
    public async Task Every_main_page_of_each_role_shows_in_Chinese_without_a_console_error()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await InlineOrderAsync(enterprise, new { title = "商品评论情感" }, items: 3);

        await SignInAsync(enterprise);
        await VisitAsync("/#/orders", "订单", "enterprise-orders");
        await VisitAsync($"/#/orders/{orderId}", "商品评论情感", "enterprise-order");
        await Expect(Page.Locator("#progress .chart svg")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "page-enterprise-order.png") });
        await VisitAsync("/#/orders/new", "新建订单", "enterprise-new-order");
        await VisitAsync("/#/wallet", "钱包", "enterprise-wallet");
        await VisitAsync("/#/market", "服务超市", "enterprise-supermarket");
        await VisitAsync("/#/statements", "对账单", "enterprise-statements");
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();

        var worker = await Api.SignUpAsync("worker");
        await SignInAsync(worker);
        await VisitAsync("/#/work", "可领任务", "worker-work");
        await Expect(Page.Locator($"article.work[data-order-id='{orderId}']")).ToContainTextAsync("文本分类");
        await VisitAsync("/#/history", "我的提交", "worker-history");
        await VisitAsync("/#/profile", "个人资料", "worker-profile");
        await VisitAsync("/#/earnings", "收益", "worker-earnings");
        await Page.GotoAsync("/#/work");
        await Page.Locator($"article.work[data-order-id='{orderId}']").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(Page.Locator("#lease-countdown")).ToBeVisibleAsync();
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "page-worker-workbench.png") });
        await Page.SetViewportSizeAsync(390, 844);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "page-worker-workbench-phone.png") });
        await Page.SetViewportSizeAsync(1280, 800);
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();

        await SignInAsync(await Api.OperatorAsync(), Cluster.OperatorPassword);
        foreach (var (path, heading, shot) in new[]
                 {
                     ("/#/ops/report", "期间报表", "operator-report"), ("/#/ops/dashboard", "运营看板", "operator-dashboard"),
                     ("/#/ops/workers", "标注员审核", "operator-workers"), ("/#/ops/certifications", "资质审核", "operator-certifications"),
                     ("/#/ops/fees", "费率表", "operator-fees"), ("/#/ops/periods", "结算期", "operator-periods"),
                     ("/#/ops/reconciliation", "对账", "operator-reconciliation"), ("/#/ops/payouts", "打款与收益冲正", "operator-payouts"),
                     ("/#/ops/exams", "考试与保密协议", "operator-exams"), ("/#/ops/users", "用户", "operator-users"), ("/#/ops/jobs", "作业与失败消息", "operator-jobs"),
                 })
            await VisitAsync(path, heading, shot);
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();

        var vendor = await Api.SignUpAsync("vendor");
        await SignInAsync(vendor);
        await VisitAsync("/#/vendor", "标注企业工作台", "vendor-home");
        await VisitAsync("/#/market", "服务超市", "vendor-supermarket");
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }
}
