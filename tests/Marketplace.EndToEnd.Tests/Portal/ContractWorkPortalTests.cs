using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.EndToEnd.Tests.Bidding;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// A vendor doing its contract's work in a real browser, in Chinese as its users see it: it splits the contract into team,
/// crowd and sub-contract packages and sees the figures and the chart (a package over its income is refused with the API's
/// code in Chinese); the sub-vendor accepts its share in its own page and splits it again; core data offers no crowd and
/// says why, and a declined offer's reason reaches the vendor; the vendor recruits a worker from the talent pool, the
/// worker joins in its page, claims and labels the team work, and the vendor approves and rejects it in the package's
/// review queue. Orders are tendered and awarded through the API (Bidding/Contracted.cs): the browser adds nothing there.
/// </summary>
[TestFixture]
public class ContractWorkPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    private List<string> UnexpectedConsoleErrors()
    {
        lock (ConsoleErrors) return ConsoleErrors.Where(e => !Regex.IsMatch(e, "^Failed to load resource: the server responded with a status of 4\\d\\d")).ToList();
    }

    private static async Task<Guid> ContractIdAsync(Actor vendor, Guid orderId) =>
        (await vendor.GetAsync("/api/bidding/contracts?pageSize=100")).GetProperty("items").EnumerateArray()
        .Single(c => c.GetProperty("orderId").GetGuid() == orderId).GetProperty("id").GetGuid();

    private static async Task<string> VendorNameAsync(Actor vendor) =>
        (await vendor.GetAsync($"/api/orders/listings?vendor={vendor.OrgId}")).GetProperty("items")[0].GetProperty("vendorName").GetString()!;

    private ILocator PackageRows => Page.Locator(".packages-table .el-table__body tr.el-table__row");

    private async Task SwitchUserAsync(Actor next, string? path = null)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await SignInAsync(next);
        if (path is not null) await Page.GotoAsync(path);
    }

    /// <summary>Fills the new-package form: the kind's button, the items, then a reward (team, crowd) or a vendor and price.</summary>
    private async Task FillPackageAsync(string kind, int items, string amount, string? vendorName = null)
    {
        await Page.Locator(".package-kinds .el-radio-button", new() { HasText = kind }).ClickAsync();
        var count = Page.GetByLabel("条目数");
        await count.FillAsync(items.ToString());
        await count.PressAsync("Tab");
        if (vendorName is null)
        {
            await Page.GetByLabel("每份答案报酬（元）").FillAsync(amount);
            return;
        }
        await Page.Locator(".sub-vendor").ClickAsync();
        await Page.Keyboard.TypeAsync(vendorName);
        await Page.Locator(".el-select-dropdown__item:visible", new() { HasText = vendorName }).First.ClickAsync();
        await Page.GetByLabel("分包价（元，总价）").FillAsync(amount);
    }

    private Task CreatePackageAsync() => Page.GetByRole(AriaRole.Button, new() { Name = "创建工作包" }).ClickAsync();

    [Test]
    public async Task A_vendor_splits_its_contract_among_its_team_the_crowd_and_a_sub_vendor_who_accepts_its_share_in_its_own_page()
    {
        var vendorA = await Tender.VendorAsync();
        var vendorB = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendorA, items: 10, price: 15m);
        var contractId = await ContractIdAsync(vendorA, order.Id);
        var (nameA, nameB) = (await VendorNameAsync(vendorA), await VendorNameAsync(vendorB));

        await SignInAsync(vendorA);
        await Page.GotoAsync($"/#/contracts/{contractId}");
        // Income: the price less the platform's 10 %; every item still to place.
        await Expect(Page.Locator("#work-income")).ToHaveTextAsync("¥13.50");
        await Expect(Page.Locator("#work-unallocated")).ToHaveTextAsync("10");
        await Expect(Page.Locator(".grade-rules")).ToContainTextAsync("通用数据可以交给团队、众包或任何服务超市中的分包商");

        await FillPackageAsync("交给自有团队", 3, "1");
        await CreatePackageAsync();
        await Expect(Toast("工作包已创建")).ToBeVisibleAsync();
        await Expect(Page.Locator("#work-committed")).ToHaveTextAsync("¥3.00");
        await FillPackageAsync("发布到众包", 3, "0.5");
        await Expect(Page.Locator(".package-cost")).ToContainTextAsync("最高成本 ¥1.50");
        await CreatePackageAsync();
        await Expect(Page.Locator("#work-committed")).ToHaveTextAsync("¥4.50");

        // 9.00 is left of the income: a sub-contract at 9.0001 is sent, refused (work.over_income, in Chinese) and changes nothing.
        await FillPackageAsync("分包给其他服务商", 4, "9.0001", nameB);
        await Expect(Page.Locator(".package-cost.error")).ToContainTextAsync("超出剩余可承诺金额");
        await CreatePackageAsync();
        await Expect(Page.Locator(".new-package .form-error")).ToHaveTextAsync(new Regex("^超出收入：此工作包的最高成本"));
        Assert.That((await Contracted.PlanAsync(vendorA, order.Id)).GetProperty("packages").GetProperty("total").GetInt64(), Is.EqualTo(2));
        await Page.GetByLabel("分包价（元，总价）").FillAsync("6");
        await CreatePackageAsync();
        await Expect(Toast("分包已发出")).ToBeVisibleAsync();

        await Expect(Page.Locator("#work-margin")).ToHaveTextAsync("¥3.00");
        await Expect(Page.Locator("#work-unallocated")).ToHaveTextAsync("0");
        await Expect(Page.Locator(".work-allocated")).ToContainTextAsync("所有条目都已分配");
        await Expect(PackageRows).ToHaveCountAsync(3);
        await Expect(PackageRows.Nth(2)).ToContainTextAsync(nameB);
        await Expect(PackageRows.Nth(2)).ToContainTextAsync("待对方接受");
        await Expect(Page.Locator(".package-review")).ToHaveCountAsync(2); // team and crowd work have a review queue
        await Expect(Page.Locator(".split-chart svg")).ToHaveCountAsync(1);
        var drawn = JsonSerializer.Deserialize<Dictionary<string, int>>((await Page.Locator(".split-chart").GetAttributeAsync("data-values"))!)!;
        Assert.That(drawn, Is.EquivalentTo(new Dictionary<string, int> { ["team"] = 3, ["crowd"] = 3, ["subcontract"] = 4, ["unallocated"] = 0 }));
        await SnapAsync("page-vendor-work-plan-zh");

        var plan = await Contracted.PlanAsync(vendorA, order.Id);
        var offer = plan.GetProperty("packages").GetProperty("items").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "subcontract");
        Assert.That(offer.Money("price"), Is.EqualTo(6m));
        Assert.That(offer.GetProperty("toVendorOrgId").GetGuid(), Is.EqualTo(vendorB.OrgId));

        // B accepts in its page, opens the work and splits its share one tier down: its tier, its income.
        await SwitchUserAsync(vendorB, "/#/vendor/subcontracts");
        var row = Page.Locator(".offers-table tr", new() { Has = Page.Locator($".offer-title[data-offer-id='{offer.GetProperty("id").GetGuid()}']") });
        await Expect(row).ToContainTextAsync("Product review sentiment");
        await Expect(row).ToContainTextAsync(nameA);
        await Expect(row).ToContainTextAsync("¥6.00");
        await row.Locator(".accept-offer").ClickAsync();
        await Page.Locator(".el-message-box").GetByRole(AriaRole.Button, new() { Name = "确定" }).ClickAsync();
        await Expect(Toast("已接受分包")).ToBeVisibleAsync();
        await row.Locator(".open-work").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Product review sentiment" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".tier")).ToHaveAttributeAsync("data-value", "subcontract");
        await Expect(Page.Locator("#work-items")).ToHaveTextAsync("4");
        await Expect(Page.Locator("#work-income")).ToHaveTextAsync("¥6.00");
        await FillPackageAsync("交给自有团队", 4, "1");
        await CreatePackageAsync();
        await Expect(Page.Locator("#work-margin")).ToHaveTextAsync("¥2.00");
        await Expect(PackageRows).ToHaveCountAsync(1);

        var planB = await Contracted.PlanAsync(vendorB, order.Id);
        Assert.That(planB.GetProperty("tier").GetString(), Is.EqualTo("subcontract"));
        Assert.That(planB.GetProperty("split").GetProperty("team").GetInt32(), Is.EqualTo(4));
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task A_worker_finds_a_vendors_crowd_package_on_the_available_work_page_and_labels_it()
    {
        var vendor = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendor, items: 10, price: 10m);
        var packageId = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "crowd", items = 2, rewardPerAnswer = 0.5m });
        await Contracted.WaitForSplitAsync(vendor, packageId, 2);
        var worker = await Api.SignUpAsync("worker");

        await SignInAsync(worker);
        await Page.GotoAsync("/#/work");
        var card = Page.Locator($".vendor-crowd-work article[data-package-id='{packageId}']");
        await Expect(card).ToContainTextAsync("服务商任务 · 文本分类");
        await Expect(card).ToContainTextAsync("¥0.50");
        await Expect(Page.Locator(".crowd-work")).ToBeVisibleAsync(); // the enterprises' crowd work gets its own heading below
        await card.Locator(".start-team-work").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("#/label"));
        var claimed = await Contracted.TasksScalarAsync<long>(
            "SELECT count(*) FROM assignments WHERE order_id = @packageId AND worker_id = @UserId", new { packageId, worker.UserId });
        Assert.That(claimed, Is.EqualTo(1), "the worker holds one of the package's items");
    }

    [Test]
    public async Task Core_data_offers_no_crowd_and_says_why_and_a_declined_offer_frees_its_items_with_the_reason_shown()
    {
        var vendor = await Tender.VendorAsync("core");
        var certified = await Tender.VendorAsync("core");
        var order = await Contracted.AwardedAsync(vendor, grade: "core", items: 4, price: 8m);
        var contractId = await ContractIdAsync(vendor, order.Id);
        var offer = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = certified.OrgId, price = 5m });

        await SignInAsync(certified);
        await Page.GotoAsync("/#/vendor/subcontracts");
        var row = Page.Locator(".offers-table tr", new() { Has = Page.Locator($".offer-title[data-offer-id='{offer}']") });
        await Expect(row).ToContainTextAsync("核心数据");
        await row.Locator(".decline-offer").ClickAsync();
        await Page.Locator(".el-message-box textarea").FillAsync("本周产能已满。");
        await Page.Locator(".el-message-box").GetByRole(AriaRole.Button, new() { Name = "确定" }).ClickAsync();
        await Expect(Toast("已拒绝分包")).ToBeVisibleAsync();
        await Expect(row.Locator(".badge")).ToHaveAttributeAsync("data-value", "declined");

        await SwitchUserAsync(vendor, $"/#/contracts/{contractId}");
        await Expect(Page.Locator(".grade-rules .rule-core")).ToHaveTextAsync("核心数据从不众包：只能交给自己的团队或持有核心数据资质的分包商。");
        await Expect(Page.Locator(".package-kinds .el-radio-button")).ToHaveCountAsync(2);
        await Expect(Page.Locator(".package-kinds")).Not.ToContainTextAsync("众包");
        await Expect(Page.Locator("#work-unallocated")).ToHaveTextAsync("4");
        await Expect(PackageRows.First).ToContainTextAsync("已拒绝");
        await Expect(PackageRows.First).ToContainTextAsync("拒绝理由：本周产能已满。");
        await Page.Locator(".package-kinds .el-radio-button", new() { HasText = "分包给其他服务商" }).ClickAsync();
        await Expect(Page.Locator(".field[data-field='vendorOrgId'] .hint")).ToHaveTextAsync("来自服务超市；只列出持有覆盖核心数据资质的服务商。");
        await SnapAsync("page-vendor-work-core-zh");
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task A_vendor_recruits_a_worker_who_joins_in_its_page_labels_the_team_work_and_the_vendor_reviews_it()
    {
        var vendor = await Tender.VendorAsync();
        var qualification = $"portal-team-{Guid.NewGuid():N}"[..28];
        var worker = await Contracted.QualifiedWorkerAsync(await Contracted.NewExamAsync(qualification));
        var handle = $"Worker {worker.UserId.ToString("N")[^8..].ToUpperInvariant()}";
        var order = await Contracted.AwardedAsync(vendor, items: 2, price: 4m);
        var contractId = await ContractIdAsync(vendor, order.Id);
        var package = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 1m });
        await Contracted.WaitForSplitAsync(vendor, package, 2);

        await SignInAsync(vendor);
        await Page.GotoAsync("/#/vendor/team");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "团队与招聘" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".members-table")).ToContainTextAsync("团队还没有成员");
        await Page.Locator(".talent-pool").GetByLabel("资格").FillAsync(qualification);
        await Page.Locator(".talent-search").ClickAsync();
        var talent = Page.Locator(".talent-table .el-table__body tr.el-table__row");
        await Expect(talent).ToHaveCountAsync(1);
        await Expect(talent).ToContainTextAsync(handle);
        await Expect(talent).ToContainTextAsync("100%");
        await talent.Locator(".invite-worker").ClickAsync();
        var dialog = Page.Locator(".el-dialog");
        await Expect(dialog.GetByLabel("邀请留言")).ToHaveValueAsync(new Regex("邀请您加入我们的标注团队"));
        await dialog.GetByLabel("邀请留言").FillAsync("我们承接金融文本标注，欢迎加入！");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "发送邀请" }).ClickAsync();
        await Expect(Toast("邀请已发送")).ToBeVisibleAsync();
        await Expect(Page.Locator(".invitations-table")).ToContainTextAsync(handle);
        await Expect(Page.Locator(".invitations-table")).ToContainTextAsync("待答复");
        // Inviting again before an answer: team.invitation_pending, in Chinese, in the dialog.
        await talent.Locator(".invite-worker").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "发送邀请" }).ClickAsync();
        await Expect(dialog.Locator(".form-error")).ToHaveTextAsync("此标注员尚未答复您上一次的邀请。");
        await Page.Keyboard.PressAsync("Escape");

        // The worker joins on its work page, sees the team work and labels both items in the workbench.
        await SwitchUserAsync(worker);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "可领任务" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".team-invitation")).ToContainTextAsync("我们承接金融文本标注，欢迎加入！");
        await Page.Locator(".join-team").ClickAsync();
        await Expect(Toast("已加入团队")).ToBeVisibleAsync();
        var card = Page.Locator($"article.work.team[data-package-id='{package}']");
        await Expect(card).ToContainTextAsync("¥1.00");
        await Expect(card).ToContainTextAsync("可领 2 份");
        await SnapAsync("page-worker-team-work-zh");
        await card.Locator(".start-team-work").ClickAsync();
        string? labeled = null;
        for (var i = 0; i < 2; i++)
        {
            var item = Page.Locator(".label-main");
            // The workbench claims the package's next item itself once one is sent.
            if (labeled is not null) await Expect(item).Not.ToHaveAttributeAsync("data-assignment-id", labeled);
            labeled = await item.GetAttributeAsync("data-assignment-id");
            await Page.Locator("button.choice[data-label='positive']").ClickAsync();
            await Page.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        }
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "全部完成" })).ToBeVisibleAsync();
        var submitted = (await vendor.GetAsync($"/api/tasks/orders/{package}/assignments")).EnumerateArray().ToList();
        Assert.That(submitted.Select(a => (a.GetProperty("status").GetString(), a.GetProperty("workerId").GetGuid())),
            Is.All.EqualTo(("submitted", worker.UserId)));

        // The vendor sees its new member, then reviews the package: one approved, one rejected with a reason.
        await SwitchUserAsync(vendor, "/#/vendor/team");
        await Expect(Page.Locator(".members-table")).ToContainTextAsync(handle);
        await Expect(Page.Locator(".invitations-table")).ToContainTextAsync("已接受");
        await Page.GotoAsync($"/#/contracts/{contractId}");
        await Page.Locator($".package-review[data-package-id='{package}']").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "工作包审核" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#progress")).ToContainTextAsync("共 2 个任务");
        var (good, bad) = (submitted[0], submitted[1]);
        var goodRow = Page.Locator($".review-row[data-assignment-id='{good.GetProperty("id").GetGuid()}']");
        var badRow = Page.Locator($".review-row[data-assignment-id='{bad.GetProperty("id").GetGuid()}']");
        await goodRow.GetByRole(AriaRole.Button, new() { Name = "通过" }).ClickAsync();
        await Expect(Page.GetByText($"已通过 {good.GetProperty("itemId").GetString()}。")).ToBeVisibleAsync();
        await ChooseAsync(badRow.GetByLabel("原因"), "不完整");
        await badRow.GetByLabel("备注").FillAsync("只看了前半句。");
        await badRow.GetByRole(AriaRole.Button, new() { Name = "驳回" }).ClickAsync();
        await Expect(Page.GetByText($"已驳回 {bad.GetProperty("itemId").GetString()}。")).ToBeVisibleAsync();
        var seen = (await vendor.GetAsync($"/api/tasks/orders/{package}/assignments")).EnumerateArray().ToDictionary(a => a.GetProperty("id").GetGuid());
        Assert.Multiple(() =>
        {
            Assert.That(seen[good.GetProperty("id").GetGuid()].GetProperty("status").GetString(), Is.EqualTo("approved"));
            Assert.That(seen[bad.GetProperty("id").GetGuid()].GetProperty("status").GetString(), Is.EqualTo("rejected"));
            Assert.That(seen[bad.GetProperty("id").GetGuid()].GetProperty("rejectReasonCode").GetString(), Is.EqualTo("incomplete"));
        });

        // Removing the member asks first.
        await Page.GotoAsync("/#/vendor/team");
        await Page.Locator($".remove-member[data-worker-id='{worker.UserId}']").ClickAsync();
        await Page.Locator(".el-message-box").GetByRole(AriaRole.Button, new() { Name = "移除" }).ClickAsync();
        await Expect(Toast("已移出团队")).ToBeVisibleAsync();
        await Expect(Page.Locator(".members-table")).ToContainTextAsync("团队还没有成员");
        Assert.That((await vendor.GetAsync("/api/tasks/team/members")).GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task A_team_worker_reads_the_orders_title_and_instructions_on_the_package_and_in_the_workbench()
    {
        var vendor = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendor, items: 2, price: 4m);
        var brief = await order.Enterprise.GetAsync($"/api/orders/orders/{order.Id}");
        var (title, instructions) = (brief.GetProperty("title").GetString()!, brief.GetProperty("instructions").GetString()!);
        var worker = await Contracted.TeamMemberAsync(vendor);
        var package = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 1m });
        await Contracted.WaitForSplitAsync(vendor, package, 2);

        await SignInAsync(worker);
        await Page.GotoAsync("/#/work");
        var card = Page.Locator($"article.work.team[data-package-id='{package}']");
        await Expect(card.Locator("h2")).ToHaveTextAsync(title);
        await Expect(card.Locator(".instructions")).ToHaveTextAsync(instructions);
        await Expect(card).ToContainTextAsync("团队任务 · 文本分类");
        await card.Locator(".start-team-work").ClickAsync();
        var heading = Page.Locator("#view .page-head h1");
        var side = Page.Locator(".label-side .instructions");
        await Expect(heading).ToHaveTextAsync(title);
        await Expect(side).ToHaveTextAsync(instructions);
        // A tab that remembers nothing (reopened later) reads them from the assignment itself.
        await Page.EvaluateAsync("() => { sessionStorage.removeItem('mp.orders'); sessionStorage.removeItem('mp.held'); }");
        await Page.ReloadAsync();
        await Expect(heading).ToHaveTextAsync(title);
        await Expect(side).ToHaveTextAsync(instructions);
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }

    [Test]
    public async Task The_vendor_sees_the_items_that_failed_acceptance_on_its_work_page_and_puts_them_back_to_its_team()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.JudgeAsync(order, ok: false);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "rework");
        var failed = (await order.Vendor.GetAsync($"/api/orders/orders/{order.OrderId}/work/rework")).GetProperty("failed").GetInt32();
        Assert.That(failed, Is.GreaterThan(0));

        await SignInAsync(order.Vendor);
        await Page.GotoAsync($"/#/vendor/work/{order.OrderId}");
        var panel = Page.Locator(".rework-panel");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "第 1 轮验收未通过的条目" })).ToBeVisibleAsync();
        await Expect(Page.Locator("#rework-failed")).ToHaveTextAsync(failed.ToString());
        await Expect(Page.Locator("#rework-unallocated")).ToHaveTextAsync(failed.ToString());
        var rows = panel.Locator(".rework-table .el-table__body tr.el-table__row");
        await Expect(rows).ToHaveCountAsync(Math.Min(failed, 10));
        await Expect(rows.First).ToContainTextAsync("Wrong label.");
        await Expect(rows.First.Locator(".rework-waiting")).ToHaveTextAsync("待分配");
        // Only the rework's form: team or crowd (never a sub-vendor), every failed item, one answer each.
        await Expect(Page.Locator(".new-package")).ToHaveCountAsync(1);
        var form = Page.Locator(".rework-form");
        await Expect(form.GetByRole(AriaRole.Heading, new() { Name = "重新分配返工条目" })).ToBeVisibleAsync();
        await Expect(form.Locator(".package-kinds")).Not.ToContainTextAsync("分包");
        await Expect(form.GetByLabel("条目数")).ToHaveValueAsync(failed.ToString());
        await form.GetByLabel("每份答案报酬（元）").FillAsync("1");
        await Expect(form.Locator(".package-cost")).ToContainTextAsync($"每条最多 1 份答案：最高成本 ¥{failed}.00");
        await form.GetByRole(AriaRole.Button, new() { Name = "创建工作包" }).ClickAsync();
        await Expect(Toast("工作包已创建。")).ToBeVisibleAsync();
        await Expect(Page.Locator("#rework-unallocated")).ToHaveTextAsync("0");
        await Expect(rows.Locator(".rework-package")).ToHaveCountAsync(Math.Min(failed, 10));
        await Expect(Page.Locator(".rework-form")).ToHaveCountAsync(0);

        var rework = await order.Vendor.GetAsync($"/api/orders/orders/{order.OrderId}/work/rework");
        Assert.That((rework.GetProperty("allocated").GetInt32(), rework.GetProperty("unallocated").GetInt32()), Is.EqualTo((failed, 0)));
        var package = (await Contracted.PlanAsync(order.Vendor, order.OrderId)).GetProperty("packages").GetProperty("items")[0];
        Assert.That((package.GetProperty("kind").GetString(), package.GetProperty("reworkRound").GetInt32(), package.Money("committed")),
            Is.EqualTo(("team", 1, (decimal)failed)));
        Assert.That(UnexpectedConsoleErrors(), Is.Empty);
    }
}
