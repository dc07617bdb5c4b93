using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>The enterprise in a real browser: wallet, a new order, its progress chart, acceptance sampling, access.</summary>
[TestFixture]
public class EnterprisePortalTests : PortalTest
{
    private static readonly string[] ProgressKeys = ["open", "leased", "submitted", "approved", "withdrawn"];

    /// <summary>The chart's figures as drawn (the ECharts box's data-values): key -> value.</summary>
    private async Task<Dictionary<string, long>> ChartAsync()
    {
        var values = await Page.Locator("#progress .chart[data-values]").GetAttributeAsync("data-values");
        return JsonSerializer.Deserialize<Dictionary<string, long>>(values!)!;
    }

    /// <summary>Goes through the new-order wizard's steps to the last one.</summary>
    private async Task NextStepAsync(int times = 1)
    {
        for (var i = 0; i < times; i++) await Page.GetByRole(AriaRole.Button, new() { Name = "Next", Exact = true }).ClickAsync();
    }

    [Test]
    public async Task An_enterprise_deposits_creates_and_publishes_an_order_and_sees_its_progress_as_a_chart()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await SignInAsync(enterprise);
        await Page.GotoAsync("/#/wallet");
        await Page.GetByLabel("Amount (CNY)").FillAsync("100.00");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Deposit" }).ClickAsync();
        await Expect(Page.Locator("#available")).ToHaveTextAsync("¥100.00");
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(100.00m), "one click, one deposit");
        await SnapAsync("enterprise-wallet");

        await Page.GotoAsync("/#/orders/new");
        await Page.GetByLabel("Title").FillAsync("外卖评论情感 sentiment");
        await ChooseAsync(Page.GetByLabel("Task type"), "Text classification");
        await Page.GetByLabel("Labels", new() { Exact = true }).FillAsync("正面, 负面");
        await Page.GetByLabel("Instructions").FillAsync("判断评论的情感。Choose the sentiment.");
        await NextStepAsync();
        await Page.GetByLabel("Items", new() { Exact = true }).FillAsync("送餐很快，味道不错。\n汤洒了一半，差评。\n包装很好，下次还点。");
        await NextStepAsync(2);
        await Page.GetByLabel("Price per item (CNY)").FillAsync("2.00");
        await SnapAsync("enterprise-new-order");
        await NextStepAsync();
        await Expect(Page.Locator(".estimate")).ToContainTextAsync("3 items × 1 answers × ¥2.00 ≈ ¥6.00");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "外卖评论情感 sentiment" })).ToBeVisibleAsync();
        var orderId = Guid.Parse(Regex.Match(Page.Url, "#/orders/([0-9a-f-]{36})").Groups[1].Value);
        var draft = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(draft.GetProperty("status").GetString(), Is.EqualTo("draft"));
        Assert.That(draft.GetProperty("itemCount").GetInt32(), Is.EqualTo(3));
        Assert.That(draft.GetProperty("labels").EnumerateArray().Select(l => l.GetString()), Is.EqualTo(new[] { "正面", "负面" }));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(Page.Locator("#progress .chart[data-values]")).ToHaveCountAsync(1, new() { Timeout = 45_000 });
        await Expect(Page.Locator("#progress .chart svg")).ToHaveCountAsync(1);
        var chart = await ChartAsync();
        Assert.That(chart["open"], Is.EqualTo(3), "three open assignments before anyone works");

        // A worker takes one item and submits it: the chart follows the API's numbers.
        var worker = await Api.SignUpAsync("worker");
        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{claim.GetProperty("assignmentId")}/submit", new { answer = "正面" }), HttpStatusCode.OK);
        await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"); // a second one held, not submitted
        JsonElement progress = default;
        await Api.EventuallyAsync(async () =>
        {
            progress = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/progress");
            chart = await ChartAsync();
            return ProgressKeys.All(k => chart[k] == progress.GetProperty(k).GetInt64()) && chart["open"] == 1;
        }, "the chart shows the API's progress");
        // ECharts labels each bar with its number: the drawing shows the figures too.
        foreach (var key in ProgressKeys.Where(k => chart[k] > 0))
            await Expect(Page.Locator("#progress .chart svg text", new() { HasText = chart[key].ToString(CultureInfo.InvariantCulture) }).First).ToBeAttachedAsync();
        await SnapAsync("enterprise-order-progress");
    }

    [Test]
    public async Task The_enterprise_judges_the_acceptance_sample_in_the_browser()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new { sampleSize = 2, passThreshold = 1m }, items: 2);
        while (true)
        {
            var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
            if (response.StatusCode == HttpStatusCode.NoContent) break;
            var claim = await Api.ReadAsync(response, HttpStatusCode.OK);
            var id = claim.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        }
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var sample = Page.Locator("form.acceptance fieldset.verdict");
        await Expect(sample).ToHaveCountAsync(2);
        var wrongItem = await sample.Nth(1).GetAttributeAsync("data-item-id");
        await sample.Nth(0).GetByText("Correct", new() { Exact = true }).ClickAsync();
        await sample.Nth(1).GetByText("Not correct", new() { Exact = true }).ClickAsync();
        await sample.Nth(1).GetByLabel("What is wrong").FillAsync("评论是抱怨，应为 negative.");
        await SnapAsync("enterprise-acceptance");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit verdicts" }).ClickAsync();
        await Expect(Page.Locator(".page-head .badge")).ToHaveTextAsync("Rework");

        var rounds = await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance");
        var round = rounds[0];
        Assert.That(round.GetProperty("status").GetString(), Is.EqualTo("failed"));
        var judged = round.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("itemId").GetString()!);
        Assert.That(judged[wrongItem!].GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(judged[wrongItem!].GetProperty("finding").GetString(), Is.EqualTo("评论是抱怨，应为 negative."));
        Assert.That(judged.Values.Count(i => i.GetProperty("ok").GetBoolean()), Is.EqualTo(1));
    }

    [Test]
    public async Task Another_organisations_order_in_the_address_bar_shows_not_found_and_none_of_its_data()
    {
        var owner = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(owner, 10.00m);
        var orderId = await Scenario.CreateOrderAsync(owner);
        var stranger = await Api.SignUpAsync("enterprise");

        await SignInAsync(stranger);
        await Page.GotoAsync($"/#/orders/{orderId}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.That(text, Does.Not.Contain("Product review sentiment"));
        Assert.That(text, Does.Not.Contain("Publish"));

        // The owner sees it: the page works, so the message above is about access.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(owner);
        await Page.GotoAsync($"/#/orders/{orderId}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Product review sentiment" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_bad_order_shows_each_error_next_to_its_field()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await SignInAsync(enterprise);
        await Page.GotoAsync("/#/orders/new");
        await Page.GetByLabel("Title").FillAsync("Missing labels");
        await NextStepAsync();
        await Page.GetByLabel("Items", new() { Exact = true }).FillAsync("one\ntwo");
        await NextStepAsync(3);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
        // The API names the labels: the wizard goes back to the step that has them.
        await Expect(Page.Locator(".field:has(input[name=labels]) .field-error")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Labels", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.That((await enterprise.GetAsync("/api/orders/orders")).GetArrayLength(), Is.Zero, "nothing was created");
    }

    [Test]
    public async Task A_draft_takes_its_dataset_as_a_file_and_a_file_with_bad_rows_is_refused_by_line()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise);
        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var picker = Page.GetByLabel("Upload a manifest (JSONL or CSV, one item per row; it replaces the items)");

        var lines = DatasetUploadTests.Jsonl(10).TrimEnd('\n').Split('\n');
        lines[2] = "{\"content\": \"no id here\"}";                          // line 3: no id
        lines[6] = "{\"id\": \"review-00007\", \"content\": \"unterminated";  // line 7: not JSON
        await picker.SetInputFilesAsync(new FilePayload
        {
            Name = "reviews-bad.jsonl", MimeType = "application/jsonl", Buffer = Encoding.UTF8.GetBytes(string.Join('\n', lines)),
        });
        await Expect(Page.Locator(".dataset-status")).ToContainTextAsync("2 row(s) need fixing", new() { Timeout = 30_000 });
        await Expect(Page.Locator(".dataset-errors li")).ToHaveTextAsync([new Regex("^Line 3: .*id"), new Regex("^Line 7: .*JSON")]);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("itemCount").GetInt32(), Is.Zero, "nothing imported");
        await SnapAsync("enterprise-dataset-rejected");

        await picker.SetInputFilesAsync(new FilePayload
        {
            Name = "reviews.jsonl", MimeType = "application/jsonl", Buffer = Encoding.UTF8.GetBytes(DatasetUploadTests.Jsonl(120)),
        });
        await Expect(Page.Locator(".stat:has(.stat-label:text-is('Items')) .stat-value")).ToHaveTextAsync("120", new() { Timeout = 30_000 });
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("itemCount").GetInt32(), Is.EqualTo(120));
    }

    [Test]
    public async Task The_enterprise_approves_one_submission_and_rejects_another_with_a_reason_on_the_order_page()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { autoApproveSeconds = 900 }, items: 2, unitPrice: 1.00m);
        var worker = await Api.SignUpAsync("worker");
        var submitted = new List<(Guid Id, string ItemId)>();
        for (var i = 0; i < 2; i++)
        {
            var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
            var id = claim.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            submitted.Add((id, claim.GetProperty("itemId").GetString()!));
        }

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var (good, bad) = (submitted[0], submitted[1]);
        var goodRow = Page.Locator($".review-row[data-assignment-id='{good.Id}']");
        var badRow = Page.Locator($".review-row[data-assignment-id='{bad.Id}']");
        await Expect(goodRow).ToContainTextAsync("\"positive\"");
        await SnapAsync("enterprise-review");

        await goodRow.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(Page.GetByText($"Approved {good.ItemId}.")).ToBeVisibleAsync();
        await ChooseAsync(badRow.GetByLabel("Reason"), "Incomplete");
        await badRow.GetByLabel("Comment").FillAsync("只标了一半 (half done)");
        await badRow.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(Page.GetByText($"Rejected {bad.ItemId}.")).ToBeVisibleAsync();

        var seen = (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments")).EnumerateArray()
            .ToDictionary(a => a.GetProperty("id").GetGuid());
        Assert.Multiple(() =>
        {
            Assert.That(seen[good.Id].GetProperty("status").GetString(), Is.EqualTo("approved"));
            Assert.That(seen[bad.Id].GetProperty("status").GetString(), Is.EqualTo("rejected"));
            Assert.That(seen[bad.Id].GetProperty("rejectReasonCode").GetString(), Is.EqualTo("incomplete"));
            Assert.That(seen[bad.Id].GetProperty("rejectComment").GetString(), Is.EqualTo("只标了一半 (half done)"));
        });
    }
}
