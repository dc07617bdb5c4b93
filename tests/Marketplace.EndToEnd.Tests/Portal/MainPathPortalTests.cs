using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// Each role's main path in Chinese, end to end in the browser: a worker sets where to be paid, draws a box and moves
/// it, and is paid; an operator closes a period and downloads its frozen report as CSV.
/// </summary>
[TestFixture]
public class MainPathPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    // Alone: between the release of the worker's earning and the click on 立即提现, another fixture's payout batch (which
    // pays every worker with a payout method) could take the balance and leave the button disabled.
    [Test, NonParallelizable]
    public async Task A_worker_sets_a_payout_method_draws_a_box_moves_it_and_is_paid()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await ImageOrderAsync(enterprise, "bounding-boxes", ["car", "pedestrian"], images: 1);

        await SignInAsync(worker);
        await Page.GotoAsync("/#/earnings");
        await Page.GetByLabel("银行卡号").FillAsync("4111 1111 1111 1111");
        await Page.GetByLabel("账户持有人姓名").FillAsync("李华");
        await Page.GetByLabel("登录密码").FillAsync("e2e-password-1"); // changing where the money goes needs the password again
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存收款方式" }).ClickAsync();
        await Expect(Page.Locator(".current-method")).ToContainTextAsync("李华", new() { Timeout = 20_000 });

        await Page.GotoAsync("/#/work");
        await Page.Locator($"article.work[data-order-id='{orderId}']").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(Page.Locator("#lease-countdown")).ToBeVisibleAsync();
        await Page.WaitForFunctionAsync("() => document.querySelector('img.item-image')?.naturalWidth === 480");
        var image = (await Page.Locator("img.item-image").BoundingBoxAsync())!;
        // Draw a box over [0.20, 0.60] x [0.20, 0.50] of the image ...
        await Page.Mouse.MoveAsync(image.X + image.Width * 0.20f, image.Y + image.Height * 0.20f);
        await Page.Mouse.DownAsync();
        await Page.Mouse.MoveAsync(image.X + image.Width * 0.60f, image.Y + image.Height * 0.50f, new() { Steps = 8 });
        await Page.Mouse.UpAsync();
        await Expect(Page.Locator(".box-layer .box")).ToHaveCountAsync(1);
        // ... then take it by its middle and move it 0.10 right and 0.20 down.
        var drawn = (await Page.Locator(".box-layer .box").BoundingBoxAsync())!;
        await Page.Mouse.MoveAsync(drawn.X + drawn.Width / 2, drawn.Y + drawn.Height / 2);
        await Page.Mouse.DownAsync();
        await Page.Mouse.MoveAsync(drawn.X + drawn.Width / 2 + image.Width * 0.10f, drawn.Y + drawn.Height / 2 + image.Height * 0.20f, new() { Steps = 8 });
        await Page.Mouse.UpAsync();
        await Expect(Page.Locator(".box-layer .box")).ToHaveCountAsync(1);
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "全部完成" })).ToBeVisibleAsync();

        System.Text.Json.JsonElement assignment = default;
        await Api.EventuallyAsync(async () =>
        {
            assignment = (await AssignmentsAsync(enterprise, orderId)).Single();
            return assignment.GetProperty("answer").ValueKind == System.Text.Json.JsonValueKind.Array;
        }, "the submission reached the API");
        var box = assignment.GetProperty("answer")[0];
        Assert.That(box.GetProperty("x").GetDouble(), Is.EqualTo(0.30).Within(0.01), box.ToString());
        Assert.That(box.GetProperty("y").GetDouble(), Is.EqualTo(0.40).Within(0.01), box.ToString());
        Assert.That(box.GetProperty("width").GetDouble(), Is.EqualTo(0.40).Within(0.01), "moving keeps the size");
        Assert.That(box.GetProperty("height").GetDouble(), Is.EqualTo(0.30).Within(0.01), "moving keeps the size");

        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{assignment.GetProperty("id").GetGuid()}/approve"), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") > 0, "the approval is earned");
        await Jobs.ReleaseHeldEarningsAsync(worker.UserId);
        var earned = (await worker.GetAsync("/api/payouts/earnings")).Money("available");
        Assert.That(earned, Is.GreaterThan(0m));

        await Page.GotoAsync("/#/earnings");
        await Page.GetByRole(AriaRole.Button, new() { Name = "立即提现" }).ClickAsync();
        await Expect(Toast("已申请提现")).ToBeVisibleAsync();
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/payouts")).EnumerateArray()
            .Any(p => p.GetProperty("status").GetString() == "sent"), "the bank paid the worker");
        await Page.ReloadAsync();
        await Expect(Page.Locator("table").Filter(new() { HasText = "已打款" }).First).ToBeVisibleAsync();
        await SnapAsync("worker-paid-zh");
        Assert.That(ConsoleErrors, Is.Empty);
    }

    [Test]
    public async Task An_operator_closes_a_period_and_downloads_its_report_as_CSV()
    {
        var op = await Api.OperatorAsync();
        var start = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-3);
        var month = start.ToString("yyyy-MM");
        await SignInAsync(op, Cluster.OperatorPassword);
        await Page.GotoAsync("/#/ops/periods");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "结算期", Exact = true }).First).ToBeVisibleAsync();
        var picker = Page.Locator("input[name=month]");
        await picker.ClickAsync();
        await picker.FillAsync(month);
        await picker.PressAsync("Enter");
        await Page.Locator("form.inline-form button[type=submit]").ClickAsync();

        var row = Page.Locator("table.el-table__body tr").Filter(new() { HasText = $"{start.Year}年{start.Month}月1日" });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        var download = await Page.RunAndWaitForDownloadAsync(() => row.Locator("button.csv").ClickAsync());
        var path = Path.Combine(Screenshots, $"period-{month}.csv");
        Directory.CreateDirectory(Screenshots);
        await download.SaveAsAsync(path);
        var csv = await File.ReadAllLinesAsync(path);
        Assert.That(csv, Is.Not.Empty);
        Assert.That(csv[0], Is.EqualTo("section,key,industry,task_type,metric,value"), "the report's header row");

        var closed = (await op.GetAsync("/api/settlement/periods")).EnumerateArray()
            .Single(p => p.GetProperty("from").GetDateTimeOffset().ToString("yyyy-MM") == month);
        var served = await op.Http.GetStringAsync($"/api/settlement/periods/{closed.GetProperty("id").GetGuid()}/report?format=csv");
        Assert.That(string.Join("\n", csv).Trim(), Is.EqualTo(served.ReplaceLineEndings("\n").Trim()), "the file is the frozen report");
        await SnapAsync("operator-periods-zh");
        Assert.That(ConsoleErrors, Is.Empty);
    }
}
