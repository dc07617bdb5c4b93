using Marketplace.EndToEnd.Tests.ModelBackends;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// In Chinese: the enterprise connects a Label Studio ML backend to its order on the order page; a plain-http address is
/// refused beside the field; the backend passes its checks and the card shows its state, model version and what it
/// pre-labeled; a backend that is down, and a failing backend's calls, are told in Chinese from the failures' codes.
/// </summary>
[TestFixture]
public class ModelBackendPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task An_enterprise_connects_a_model_backend_to_its_order_and_sees_it_pre_label()
    {
        await using var backend = new TestBackend(modelVersion: "情感模型-ls-3", labelFor: _ => "正面");
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await InlineOrderAsync(enterprise, new
        {
            title = "商品评论情感（外部模型）",
            labels = new[] { "正面", "负面" },
            items = new[] { new { id = "评论-1", content = "电池很耐用，充电也快。" } },
        }, items: 1);

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var card = Page.Locator("#model-backend");
        await Expect(card.GetByRole(AriaRole.Heading, new() { Name = "外部模型服务" })).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("未接入外部模型");
        await card.Locator("#model-backend-register").ClickAsync();
        await card.GetByLabel("服务地址").FillAsync("http://models.example.com");
        await card.GetByLabel("共享密钥").FillAsync(backend.Secret);
        await card.Locator("#model-backend-save").ClickAsync();
        await Expect(card.Locator(".field-error[data-for='url']")).ToContainTextAsync("地址须为 https");

        // A backend that is down fails its checks, said in Chinese from the failure's code.
        backend.Mode = TestBackend.Behaviour.HealthDown;
        await card.GetByLabel("服务地址").FillAsync(backend.Url);
        await card.Locator("#model-backend-save").ClickAsync();
        await Expect(card.Locator(".form")).ToContainTextAsync("模型服务未通过检查（/health、/setup）：/health 返回了 HTTP 503。");

        backend.Mode = TestBackend.Behaviour.Good;
        await card.Locator("#model-backend-save").ClickAsync();
        await Expect(Toast("模型服务已通过检查并接入")).ToBeVisibleAsync();
        await Expect(card.Locator(".badge")).ToHaveTextAsync("正常");
        await Expect(card.Locator("[data-stat='modelVersion'] .stat-value")).ToHaveTextAsync("情感模型-ls-3");
        await Expect(card).Not.ToContainTextAsync(backend.Secret);

        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model-backend")).GetProperty("predictionsSaved").GetInt64() == 1,
            "the backend pre-labels the order's item");
        await Page.ReloadAsync();
        await Expect(card.Locator("[data-stat='predicted'] .stat-value")).ToHaveTextAsync("1");
        await SnapAsync("enterprise-model-backend-zh");
        Assert.That(backend.BadSignatures, Is.Zero);
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }

    [Test]
    public async Task A_failing_backends_calls_are_listed_in_Chinese()
    {
        await using var backend = new TestBackend(TestBackend.Behaviour.ServerError);
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await InlineOrderAsync(enterprise, new
        {
            title = "商品评论情感（模型服务故障）",
            labels = new[] { "正面", "负面" },
            items = new[] { new { id = "评论-1", content = "屏幕有划痕，客服也不回复。" } },
        }, items: 1);
        await Api.ReadAsync(await Api.Send(enterprise.Http, HttpMethod.Put, $"/api/tasks/orders/{orderId}/model-backend",
            new { url = backend.Url, secret = backend.Secret }), System.Net.HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model-backend")).GetProperty("failures").GetInt64() >= 1,
            "the backend's failed /predict is recorded");

        await SignInAsync(enterprise);
        await Page.GotoAsync($"/#/orders/{orderId}");
        var card = Page.Locator("#model-backend");
        await Expect(card.Locator(".badge")).ToHaveTextAsync("调用失败，稍后重试");
        var failure = card.Locator(".backend-failures li").First;
        await Expect(failure).ToHaveAttributeAsync("data-code", "status");
        await Expect(failure).ToContainTextAsync("/predict 返回了 HTTP 500。");
        await Expect(failure).Not.ToContainTextAsync("answered");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
