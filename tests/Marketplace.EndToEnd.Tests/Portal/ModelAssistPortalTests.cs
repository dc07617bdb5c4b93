using System.Text.Json;
using Marketplace.EndToEnd.Tests.Modeling;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>In Chinese: the enterprise turns model assistance on from its order page and watches the built-in model become ready.</summary>
[TestFixture]
public class ModelAssistPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task The_enterprise_turns_the_built_in_model_on_from_the_order_page_and_sees_its_held_out_accuracy()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var mails = File.ReadLines(Path.Combine(TestContext.CurrentContext.TestDirectory, "Modeling", "Data", "spam-assassin-sample.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var orderId = await BuiltInModelTests.PublishedAsync(enterprise,
            new { title = "垃圾邮件识别（模型辅助）", taskType = "text-classification", labels = new[] { "spam", "ham" }, goldShare = 0.4m },
            _ => Task.FromResult(string.Concat(mails.Select((m, i) => JsonSerializer.Serialize(i % 5 == 0
                ? (object)new { id = m.GetProperty("id").GetString(), content = m.GetProperty("text").GetString(), gold = m.GetProperty("label").GetString() }
                : new { id = m.GetProperty("id").GetString(), content = m.GetProperty("text").GetString() }) + "\n"))));

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var card = Page.Locator("#model-assist");
        await Expect(card.GetByRole(AriaRole.Heading, new() { Name = "模型辅助" })).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("开启后，平台用本订单已采纳的标注和金标准训练内置模型");
        // Element Plus keeps the switch's input (role switch) out of sight; a person clicks the drawn switch around it.
        var toggle = card.Locator("input[role=switch]");
        await Expect(toggle).ToHaveAttributeAsync("aria-checked", "false");
        await card.Locator(".el-switch").ClickAsync();
        await Expect(Toast("已开启模型辅助")).ToBeVisibleAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-checked", "true");

        // Trained in the background; the card looks again by itself until the model is ready.
        await Expect(card.Locator("#model-state")).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = 90_000 });
        await Expect(card.Locator("#model-state")).ToContainTextAsync("已就绪");
        await Expect(card.Locator(".stat", new() { HasText = "当前版本" }).Locator(".stat-value")).ToHaveTextAsync("builtin-text-v1");
        await Expect(card.Locator("#model-accuracy")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(\.\d)?%$"));
        var values = JsonSerializer.Deserialize<Dictionary<string, decimal>>((await card.Locator(".chart[data-values]").GetAttributeAsync("data-values"))!)!;
        var model = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model");
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, decimal> { ["builtin-text-v1"] = model.GetProperty("heldOutAccuracy").GetDecimal() }));
        await SnapAsync("enterprise-model-assist-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }

    [Test]
    public async Task A_failed_training_is_explained_in_Chinese_with_its_figures()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await BuiltInModelTests.BrokenPhotosOrderAsync(enterprise, "风景与花卉（图片损坏）");
        await BuiltInModelTests.ChooseAsync(enterprise, orderId, "builtin");

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var state = Page.Locator("#model-assist #model-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 90_000 });
        var model = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model");
        var unreadable = model.GetProperty("reasonParams").GetProperty("unreadable").GetInt32();
        await Expect(state).ToContainTextAsync("训练失败，标注工作照常进行。");
        await Expect(state.Locator("#model-reason")).ToHaveAttributeAsync("data-code", "images_unreadable");
        await Expect(state.Locator("#model-reason")).ToContainTextAsync($"有 {unreadable} 张已标注的图片无法读取，可用样本只剩 0 条，至少需要 10 条");
        await Expect(state).Not.ToContainTextAsync("could not be read");
        await SnapAsync("enterprise-model-failed-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
