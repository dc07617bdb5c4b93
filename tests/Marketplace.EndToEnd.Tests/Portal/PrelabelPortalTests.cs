using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// In Chinese: the workbench starts from the model's pre-label, marked as the model's suggestion; the worker changes it
/// and submits; the enterprise's order page counts one changed answer.
/// </summary>
[TestFixture]
public class PrelabelPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task A_worker_changes_a_pre_labeled_choice_and_the_order_page_shows_one_changed_answer()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        const string review = "屏幕很容易刮花，这个价格不值。";
        var orderId = await InlineOrderAsync(enterprise, new
        {
            title = "商品评论情感（模型预标注）",
            labels = new[] { "正面", "负面" },
            items = new[] { new { id = "评论-1", content = review, predictions = new { label = "正面", modelVersion = "情感模型-v2", score = 0.87 } } },
        }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        var suggestion = Page.Locator(".notice.prelabel");
        await Expect(suggestion).ToContainTextAsync("模型预标注");
        await Expect(suggestion).ToContainTextAsync("情感模型-v2");
        await Expect(suggestion).ToContainTextAsync("87%");
        await Expect(Page.Locator("button.choice[data-label='正面']")).ToHaveAttributeAsync("aria-checked", "true");
        await Page.Locator("button.choice[data-label='负面']").ClickAsync();
        await Expect(Page.Locator("button.choice[data-label='正面']")).ToHaveAttributeAsync("aria-checked", "false");
        await SnapAsync("worker-prelabel-zh");
        await Page.Locator("#submit").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "全部完成" })).ToBeVisibleAsync();
        var assignment = (await AssignmentsAsync(enterprise, orderId)).Single();
        Assert.That(assignment.GetProperty("answer").GetString(), Is.EqualTo("负面"), "the stored answer is the worker's, not the model's");

        await NewBrowserContextAsync();
        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var card = Page.Locator("#prelabels");
        await Expect(card.GetByRole(AriaRole.Heading, new() { Name = "模型预标注的修改情况" })).ToBeVisibleAsync();
        await Expect(card.Locator(".stat", new() { HasText = "已修改" }).Locator(".stat-value")).ToHaveTextAsync("1");
        await Expect(card.Locator(".stat", new() { HasText = "原样采纳" }).Locator(".stat-value")).ToHaveTextAsync("0");
        await Expect(card.Locator(".stat", new() { HasText = "标签被改" }).Locator(".stat-value")).ToHaveTextAsync("1");
        var values = JsonSerializer.Deserialize<Dictionary<string, long>>((await card.Locator(".chart[data-values]").GetAttributeAsync("data-values"))!)!;
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, long> { ["answers"] = 1, ["unchanged"] = 0, ["changed"] = 1 }));
        await SnapAsync("enterprise-prelabels-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
