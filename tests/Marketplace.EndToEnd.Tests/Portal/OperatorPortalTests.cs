using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// Clearance through the browser (the worker submits identity, an operator verifies it), the operator's report, and the
/// jobs page's failed messages.
/// </summary>
[TestFixture]
public class OperatorPortalTests : PortalTest
{
    [Test]
    public async Task A_new_worker_submits_identity_an_operator_verifies_it_and_the_worker_can_claim()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await InlineOrderAsync(enterprise, new { }, items: 1);
        var worker = await Api.SignUpAsync("worker", verified: false);

        await SignInAsync(worker);
        await Page.GotoAsync("/#/work");
        var card = Page.Locator($"article.work[data-order-id='{orderId}']");
        await Expect(card.Locator(".blocked")).ToContainTextAsync("Needs general clearance (you have none)");

        await Page.GotoAsync("/#/profile");
        await Page.GetByLabel("Legal name (as on your ID card)").FillAsync("王小明");
        var idField = Page.GetByLabel("Resident ID number (居民身份证号码)");
        await idField.FillAsync("110101199003070000"); // a wrong check character: the API names the field
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit for verification" }).ClickAsync();
        await Expect(idField).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.Locator(".field:has(input[name=idNumber]) .field-error")).ToBeVisibleAsync();
        var idNumber = Api.IdNumber();
        await idField.FillAsync(idNumber);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit for verification" }).ClickAsync();
        await Expect(Page.Locator(".card:has(h2:text('Identity'))")).ToContainTextAsync("Pending");
        await SnapAsync("worker-profile");
        // Another account gives the same card: it is told nothing, the operator is.
        var twin = await Api.SignUpAsync("worker", verified: false);
        await Api.ReadAsync(await twin.PostAsync("/api/tasks/workers/me/identity", new { legalName = "李四", idNumber }), System.Net.HttpStatusCode.OK);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(await Api.OperatorAsync(), Cluster.OperatorPassword);
        await Page.GotoAsync("/#/ops/workers?status=pending");
        var row = Page.Locator("tr", new() { HasText = "王小明" });
        await Expect(row.Locator(".same-card")).ToHaveTextAsync("1 other account(s) gave the same card");
        await row.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(Page.Locator("tr", new() { HasText = "王小明" })).ToHaveCountAsync(0);
        var profile = await (await Api.OperatorAsync()).GetAsync($"/api/tasks/workers/{worker.UserId}");
        Assert.That(profile.GetProperty("clearance").GetString(), Is.EqualTo("general"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(worker);
        await Page.GotoAsync("/#/work");
        await Expect(card.Locator(".blocked")).ToHaveCountAsync(0);
        await card.GetByRole(AriaRole.Button, new() { Name = "Start labeling" }).ClickAsync();
        await Expect(Page.Locator("#lease-countdown")).ToBeVisibleAsync();
    }

    [Test]
    public async Task The_period_report_draws_the_ledger_figures_as_bars()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 25.00m);
        var op = await Api.OperatorAsync();

        await SignInAsync(op, Cluster.OperatorPassword);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Period report" })).ToBeVisibleAsync();
        var from = DateTime.UtcNow.AddDays(-29).ToString("yyyy-MM-dd");
        var to = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        var chartBox = Page.Locator(".report-chart .chart[data-values]");
        string[] keys = ["moneyIn", "escrowHeld", "platformFees", "paidToWorkers", "workerPayables"];
        Dictionary<string, decimal> drawn = [];
        JsonElement report = default;
        // Other tests move money at the same time: compare a drawing with the API read right before it, until they agree.
        await Api.EventuallyAsync(async () =>
        {
            report = await op.GetAsync($"/api/settlement/reports/period?from={from}&to={to}");
            await Page.GotoAsync($"/#/ops/report?from={from}&to={to}&t={Guid.NewGuid():N}");
            await Expect(chartBox.Locator("svg")).ToHaveCountAsync(1);
            drawn = JsonSerializer.Deserialize<Dictionary<string, string>>((await chartBox.GetAttributeAsync("data-values"))!)!
                .ToDictionary(b => b.Key, b => decimal.Parse(b.Value, CultureInfo.InvariantCulture));
            return keys.All(k => drawn[k] == report.Money(k));
        }, "the chart shows the report's figures");
        Assert.That(drawn.Keys, Is.EquivalentTo(keys));
        Assert.That(drawn["moneyIn"], Is.GreaterThanOrEqualTo(25.00m), "the deposit is in the period");
        await SnapAsync("operator-report");
    }

    [Test]
    public async Task A_parked_message_is_listed_on_the_jobs_page_and_the_operator_replays_it_from_there()
    {
        var op = await Api.OperatorAsync();
        var messageId = (await OperationsTests.PublishFundingForAnUnknownOrderAsync()).ToString();
        await Api.EventuallyAsync(async () => (await op.GetAsync("/api/orders/ops/dead-letters")).EnumerateArray()
            .Any(d => d.GetProperty("messageId").GetString() == messageId), "the message is in orders' error queue", TimeSpan.FromSeconds(60));

        await SignInAsync(op, Cluster.OperatorPassword);
        await Page.GotoAsync("/#/ops/jobs");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Jobs and failed messages" })).ToBeVisibleAsync();
        var row = Page.Locator(".card:has(h2:text-is('orders')) tr", new() { HasText = messageId });
        await Expect(row).ToContainTextAsync("OrderFunded");
        await Expect(row).ToContainTextAsync("unknown");
        await SnapAsync("operator-jobs");

        // Each service's Hangfire dashboard opens in a tab of its own, signed in by the operator's dashboard cookie.
        var dashboard = await Page.RunAndWaitForPopupAsync(() =>
            Page.Locator(".card:has(h2:text-is('tasks'))").GetByRole(AriaRole.Link, new() { Name = "tasks jobs dashboard" }).ClickAsync());
        await dashboard.WaitForURLAsync("**/api/tasks/hangfire/**", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await Expect(dashboard.Locator("body")).ToContainTextAsync("Recurring", new() { Timeout = 60_000 });
        await dashboard.GotoAsync("/api/tasks/hangfire/recurring");
        await Expect(dashboard.Locator("body")).ToContainTextAsync("auto-approve-due");
        await dashboard.ScreenshotAsync(new() { Path = Path.Combine(Cluster.Root, ".data/test/screenshots/operator-hangfire.png"), FullPage = true });
        await dashboard.CloseAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(Toast("Replayed.")).ToBeVisibleAsync();
        // Replayed, it fails the same way and is parked again (a new failure), so nothing is lost either way.
        await Api.EventuallyAsync(async () => (await op.GetAsync("/api/orders/ops/dead-letters")).EnumerateArray()
            .Any(d => d.GetProperty("messageId").GetString() == messageId), "the replayed message is parked again", TimeSpan.FromSeconds(60));
    }
}
