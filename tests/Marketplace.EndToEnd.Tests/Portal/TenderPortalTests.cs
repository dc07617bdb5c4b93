using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.EndToEnd.Tests.Bidding;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// The contracted market in a real browser, in Chinese as its users see it: a vendor finds a call and places, revises
/// and withdraws a bid (a bid over the budget is refused with the API's problem code shown in Chinese), and the page
/// switches to English; an enterprise publishes a bid-mode order through the wizard; after the deadline it sees the bids
/// side by side and awards one that is not the top bid, with a reason. Calls, vendors and the deadline are set up through
/// the API and bidding's messages where the browser adds nothing.
/// </summary>
[TestFixture]
public class TenderPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [OneTimeSetUp]
    public Task StartObserving() => Tender.BusAsync();

    /// <summary>The console less the browser's line for each 4xx answer the page expects and shows (a refused bid).</summary>
    private List<string> UnexpectedConsoleErrors()
    {
        lock (ConsoleErrors) return ConsoleErrors.Where(e => !Regex.IsMatch(e, "^Failed to load resource: the server responded with a status of 4\\d\\d")).ToList();
    }

    /// <summary>Types a date and time into an Element Plus date picker found by its label, as a person can.</summary>
    private async Task TypeDateAsync(ILocator input, DateTime local)
    {
        await input.ClickAsync();
        await input.FillAsync(local.ToString("yyyy-MM-dd HH:mm:ss"));
        await input.PressAsync("Enter");
        await Page.Locator("main h1").First.ClickAsync(); // closes the panel
    }

    private static async Task<JsonElement> MyBidAsync(Actor vendor, Tender.Call call) =>
        (await vendor.GetAsync($"/api/bidding/bids/mine?callId={call.Id}")).GetProperty("items")[0];

    [Test]
    public async Task A_vendor_finds_a_call_and_places_revises_and_withdraws_a_bid_and_an_over_budget_bid_is_refused_in_Chinese()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var vendor = await Tender.VendorAsync();
        var call = await Tender.OpenAsync(enterprise, budget: 100m, items: 10);
        var title = (await enterprise.GetAsync($"/api/bidding/calls/{call.Id}")).GetProperty("title").GetString()!;

        await SignInAsync(vendor);
        await Page.GotoAsync("/#/vendor/calls");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "招标大厅" })).ToBeVisibleAsync();
        var link = Page.Locator($"a.call-link[data-call-id='{call.Id}']");
        await Expect(link).ToHaveTextAsync(title);
        await Expect(Page.Locator(".calls-table tr", new() { Has = link })).ToContainTextAsync("¥100.00");
        await Expect(Page.Locator(".calls-table tr", new() { Has = link })).ToContainTextAsync("金融");
        await link.ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await Expect(Page.Locator(".contract-terms")).ToContainTextAsync("2%"); // the call's late penalty per day
        await Page.GetByLabel("总价（元）").FillAsync("150");
        await TypeDateAsync(Page.GetByLabel("交付日期"), DateTime.Now.AddDays(10));
        await Page.GetByLabel("技术方案").FillAsync("两名标注员交叉标注，一名质检员抽检。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交投标" }).ClickAsync();
        // 422 bid.over_budget: the API's code, in Chinese, at the field it names.
        await Expect(Page.Locator(".field[data-field='amount'] .field-error")).ToHaveTextAsync("报价总额超出预算。");
        await Expect(Page.GetByLabel("总价（元）")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.That((await vendor.GetAsync($"/api/bidding/bids/mine?callId={call.Id}")).GetProperty("total").GetInt64(), Is.Zero);

        await Page.GetByLabel("总价（元）").FillAsync("80");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交投标" }).ClickAsync();
        await Expect(Toast("投标已提交")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "修改投标" })).ToBeVisibleAsync();
        var placed = await MyBidAsync(vendor, call);
        Assert.That(placed.GetProperty("status").GetString(), Is.EqualTo("live"));
        Assert.That(placed.Money("price"), Is.EqualTo(80m));
        Assert.That(placed.GetProperty("teamSize").GetInt32(), Is.EqualTo(5));
        Assert.That(placed.GetProperty("deliverBy").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow.AddDays(10)).Within(TimeSpan.FromMinutes(5)));

        await Page.Locator(".bid-form .el-radio-button", new() { HasText = "按条计价" }).ClickAsync();
        await Page.GetByLabel("单价（元/条）").FillAsync("7.5");
        await Expect(Page.Locator(".bid-total")).ToContainTextAsync("¥75.00");
        await Page.GetByRole(AriaRole.Button, new() { Name = "修改投标" }).ClickAsync();
        await Expect(Toast("投标已修改")).ToBeVisibleAsync();
        await Expect(Page.Locator(".revisions-table")).ToContainTextAsync("修改");
        var revised = await MyBidAsync(vendor, call);
        Assert.That(revised.GetProperty("revision").GetInt32(), Is.EqualTo(2));
        Assert.That(revised.GetProperty("priceKind").GetString(), Is.EqualTo("per_item"));
        Assert.That(revised.Money("price"), Is.EqualTo(75m));

        await Page.GetByRole(AriaRole.Button, new() { Name = "撤回投标" }).ClickAsync();
        await Page.Locator(".el-message-box").GetByRole(AriaRole.Button, new() { Name = "确定" }).ClickAsync();
        await Expect(Toast("投标已撤回")).ToBeVisibleAsync();
        await Expect(Page.Locator(".bid-status")).ToHaveAttributeAsync("data-value", "withdrawn");
        Assert.That((await MyBidAsync(vendor, call)).GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
        await SnapAsync("page-vendor-call-zh");

        await Page.Locator("button.lang-button[data-lang='en']").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Your bid" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Place bid" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("Contract terms", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Page.Locator(".bid-status")).ToHaveTextAsync("Withdrawn");
        await Page.GotoAsync("/#/vendor/bids");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My bids" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".bids-table")).ToContainTextAsync(title);
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task An_enterprise_publishes_a_bid_mode_order_through_the_wizard_and_its_tender_opens()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 100m);
        await SignInAsync(enterprise);
        await Page.GotoAsync("/#/orders/new");
        await Page.GetByLabel("标题").FillAsync("金融客服对话意图 招标");
        await Page.GetByLabel("标签", new() { Exact = true }).FillAsync("positive, negative");
        await Page.Locator("[data-step='basics'] .el-radio-button", new() { HasText = "招标" }).ClickAsync();
        await ChooseAsync(Page.GetByLabel("行业"), "金融");
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByLabel("条目", new() { Exact = true }).FillAsync("我想查询信用卡账单。\n如何修改绑定的手机号？\n转账失败怎么办？");
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByLabel("单价（元）").FillAsync("2.00");
        await TypeDateAsync(Page.GetByLabel("投标截止"), DateTime.Now.AddDays(2));
        await Page.GetByLabel("逾期罚金（%/天）").FillAsync("2");
        await Page.GetByLabel("罚金上限（%）").FillAsync("15");
        await Page.GetByText("截止时自动定标给排名第一的投标").ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Expect(Page.Locator("[data-step='review']")).ToContainTextAsync("2% / 15%");
        await Page.GetByRole(AriaRole.Button, new() { Name = "创建草稿" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "金融客服对话意图 招标" })).ToBeVisibleAsync();
        var orderId = Guid.Parse(Regex.Match(Page.Url, "#/orders/([0-9a-f-]{36})").Groups[1].Value);

        var draft = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(draft.GetProperty("mode").GetString(), Is.EqualTo("bid"));
        var tender = draft.GetProperty("terms").GetProperty("tender");
        Assert.That(tender.GetProperty("latePenaltyPercentPerDay").GetDecimal(), Is.EqualTo(2m));
        Assert.That(tender.GetProperty("maxPenaltyPercent").GetDecimal(), Is.EqualTo(15m));
        Assert.That(tender.GetProperty("autoAward").GetBoolean(), Is.True);
        Assert.That(tender.GetProperty("bidDeadline").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.UtcNow.AddDays(2)).Within(TimeSpan.FromMinutes(5)));

        await Page.Locator("#publish").ClickAsync();
        await Scenario.WaitForStatusAsync(enterprise, orderId, "tendering");
        await Tender.CallIdAsync(enterprise, orderId);
        await Page.ReloadAsync();
        await Expect(Page.Locator(".tender-panel .call-status")).ToHaveAttributeAsync("data-value", "open");
        await Expect(Page.Locator(".tender-panel .sealed")).ToContainTextAsync("投标截止前标书保密");
        await Expect(Page.Locator("#standing-bids")).ToHaveTextAsync("0");
        await SnapAsync("page-enterprise-tender-open-zh");
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task The_wizard_invites_a_vendor_found_in_the_supermarket_to_the_tender()
    {
        var vendor = await Tender.VendorAsync();
        var name = (await vendor.GetAsync($"/api/orders/listings?vendor={vendor.OrgId}")).GetProperty("items")[0].GetProperty("vendorName").GetString()!;
        var enterprise = await Api.SignUpAsync("enterprise");
        await SignInAsync(enterprise);
        await Page.GotoAsync("/#/orders/new");
        await Page.GetByLabel("标题").FillAsync("邀请招标 invited tender");
        await Page.GetByLabel("标签", new() { Exact = true }).FillAsync("positive, negative");
        await Page.Locator("[data-step='basics'] .el-radio-button", new() { HasText = "招标" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.GetByLabel("条目", new() { Exact = true }).FillAsync("我想查询信用卡账单。");
        for (var i = 0; i < 2; i++) await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Page.Locator(".invite-vendors").ClickAsync();
        await Page.Keyboard.TypeAsync(name);
        await Page.Locator(".el-select-dropdown__item:visible", new() { HasText = name }).First.ClickAsync();
        await Expect(Page.Locator(".invite-vendors .el-tag")).ToContainTextAsync(name);
        await Page.Keyboard.PressAsync("Escape"); // a multiple select stays open for more choices
        await Page.Locator("main h1").First.ClickAsync();
        await Expect(Page.Locator(".el-select-dropdown__item:visible")).ToHaveCountAsync(0);
        await Page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Expect(Page.Locator("[data-step='review']")).ToContainTextAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "创建草稿" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "邀请招标 invited tender" })).ToBeVisibleAsync();
        var orderId = Guid.Parse(Regex.Match(Page.Url, "#/orders/([0-9a-f-]{36})").Groups[1].Value);
        var invited = (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("terms").GetProperty("tender").GetProperty("invitedVendorOrgIds");
        Assert.That(invited.EnumerateArray().Select(v => v.GetGuid()), Is.EqualTo(new[] { vendor.OrgId }));
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task After_the_deadline_an_enterprise_sees_the_bids_side_by_side_and_awards_one_that_is_not_the_top_with_a_reason()
    {
        var cheap = await Tender.VendorAsync();
        var quick = await Tender.VendorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 100m);
        var body = Scenario.OrderBodyWith(new
        {
            title = "保险理赔单据分类 tender", mode = "bid", industry = Tender.Industry,
            tender = new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1) },
        }, items: 10, unitPrice: 2m);
        var orderId = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "tendering");
        var call = new Tender.Call(await Tender.CallIdAsync(enterprise, orderId), orderId, enterprise);
        var top = await Tender.BidAsync(cheap, call, amount: 10m, deliverInDays: 5);
        var second = await Tender.BidAsync(quick, call, amount: 15m, deliverInDays: 3);
        await Tender.PassDeadlineAsync(call);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "evaluating");

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var rows = Page.Locator(".ranked-bids .el-table__body tr.el-table__row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("¥10.00"); // 0.5 x 1 + 0.2 x 3/5 + 0.3 x 0.8 = 0.86
        await Expect(rows.Nth(1)).ToContainTextAsync("¥15.00"); // 0.5 x 10/15 + 0.2 x 1 + 0.24 = 0.77
        await Expect(Page.Locator(".score-chart svg")).ToHaveCountAsync(1);
        var drawn = JsonSerializer.Deserialize<Dictionary<string, decimal>>((await Page.Locator(".score-chart").GetAttributeAsync("data-values"))!)!;
        Assert.That(drawn.Keys, Is.EquivalentTo(new[] { top.ToString(), second.ToString() }));
        Assert.That(drawn[top.ToString()], Is.GreaterThan(drawn[second.ToString()]));
        await SnapAsync("page-enterprise-bids-zh");

        await Page.Locator($"button.award[data-bid-id='{second}']").ClickAsync();
        var dialog = Page.Locator(".el-dialog");
        await Expect(dialog).ToContainTextAsync("排名第 2");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "定标" }).ClickAsync();
        await Expect(dialog.Locator(".field[data-field='reason'] .field-error")).ToHaveTextAsync("请填写理由。");
        await dialog.GetByLabel("理由").FillAsync("交付时间更早，满足项目上线计划。");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "定标" }).ClickAsync();
        await Expect(Toast("已定标")).ToBeVisibleAsync();
        await Expect(Page.Locator(".awarded-contract")).ToContainTextAsync("交付时间更早", new() { Timeout = 30_000 });
        await Expect(Page.Locator("#awarded-price")).ToHaveTextAsync("¥15.00");

        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        var contract = await enterprise.GetAsync("/api/bidding/contracts?pageSize=100");
        var made = contract.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("orderId").GetGuid() == orderId);
        Assert.That(made.GetProperty("bidId").GetGuid(), Is.EqualTo(second));
        Assert.That(made.GetProperty("reason").GetString(), Is.EqualTo("交付时间更早，满足项目上线计划。"));
        Assert.That(made.GetProperty("vendorOrgId").GetGuid(), Is.EqualTo(quick.OrgId));
        Assert.That(order.GetProperty("status").GetString(), Is.AnyOf("evaluating", "awarded", "in_progress"));

        await Page.GotoAsync($"/#/contracts/{made.GetProperty("id").GetGuid()}");
        await Expect(Page.Locator("#contract-price")).ToHaveTextAsync("¥15.00");
        await Expect(Page.Locator(".contract-details")).ToContainTextAsync("交付时间更早");

        // Operators see every contract, active ones by the status filter.
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await SignInAsync(await Api.OperatorAsync(), Cluster.OperatorPassword);
        await Page.GotoAsync("/#/contracts");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "全部合同" })).ToBeVisibleAsync();
        await ChooseAsync(Page.GetByRole(AriaRole.Combobox, new() { Name = "状态" }), "履行中");
        await Expect(Page.Locator(".contracts-table")).ToContainTextAsync("保险理赔单据分类 tender");
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }
}
