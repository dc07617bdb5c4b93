using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// In Chinese: an order whose model is sure of both items closes each on one agreeing answer, and its page says what
/// that saved against a fixed overlap at the cap, in answers and in yuan.
/// </summary>
[TestFixture]
public class RoutingSavingsPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task The_order_page_shows_the_answers_and_yuan_the_model_saved()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new
        {
            title = "商品评论情感（置信度分流）",
            labels = new[] { "正面", "负面" },
            confidenceBar = 0.9m,
            overlapCap = 3,
            items = new[]
            {
                new { id = "评论-1", content = "电池能用两天，充电也快。", predictions = new { label = "正面", modelVersion = "情感模型-v3", score = 0.96 } },
                new { id = "评论-2", content = "用了一周就坏了，卖家不回复。", predictions = new { label = "负面", modelVersion = "情感模型-v3", score = 0.93 } },
            },
        }, items: 2);
        for (var i = 0; i < 2; i++)
        {
            var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
            var id = claim.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit",
                new { answer = claim.GetProperty("prelabel").GetProperty("label").GetString() }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        }
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var card = Page.Locator("#model-savings");
        await Expect(card.GetByRole(AriaRole.Heading, new() { Name = "模型节省了多少" })).ToBeVisibleAsync();
        // 2 answers where a fixed overlap of 3 needs 6: 4 saved, at 1.00 yuan each.
        await Expect(card.Locator(".stat", new() { HasText = "人工答案" }).First.Locator(".stat-value")).ToHaveTextAsync("2");
        await Expect(card.Locator(".stat", new() { HasText = "固定 3 人重叠所需" }).Locator(".stat-value")).ToHaveTextAsync("6");
        await Expect(card.Locator(".stat", new() { HasText = "节省的答案" }).Locator(".stat-value")).ToHaveTextAsync("4");
        await Expect(card.Locator(".stat", new() { HasText = "节省的费用" }).Locator(".stat-value")).ToHaveTextAsync("¥4.00");
        await Expect(card.Locator(".stat", new() { HasText = "一人确认即完成" }).Locator(".stat-value")).ToHaveTextAsync("2");
        await Expect(card.Locator(".stat", new() { HasText = "人工推翻模型的比例" }).Locator(".stat-value")).ToHaveTextAsync("0%");
        await Expect(card.Locator(".chart")).ToContainTextAsync("重叠上限"); // the cap's line in the legend, in Chinese
        var values = JsonSerializer.Deserialize<Dictionary<string, decimal>>((await card.Locator(".chart[data-values]").GetAttributeAsync("data-values"))!)!;
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, decimal>
        {
            ["answers"] = 2, ["answersAtCap"] = 6, ["saved"] = 4, ["costSaved"] = 4.00m, ["closedByModel"] = 2,
        }));
        await SnapAsync("enterprise-model-savings-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
