using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>The labeling screen of the task types the other browser tests do not cover, and a suite of several items.</summary>
[TestFixture]
public class TaskTypePortalTests : PortalTest
{
    private async Task<JsonElement> SubmittedAnswerAsync(Actor enterprise, Guid orderId)
    {
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();
        var assignment = (await AssignmentsAsync(enterprise, orderId)).Single();
        Assert.That(assignment.GetProperty("status").GetString(), Is.AnyOf("submitted", "approved"));
        return assignment.GetProperty("answer");
    }

    [Test]
    public async Task Responses_are_ranked_with_the_buttons_and_number_keys()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var content = JsonSerializer.Serialize(new
        {
            prompt = "用一句话解释什么是复式记账。",
            responses = new[] { "每笔交易同时记入借方和贷方，金额相等。", "记账记两次。", "A bakery." },
        });
        var orderId = await InlineOrderAsync(enterprise, new { taskType = "reward-ranking", labels = Array.Empty<string>(), items = new[] { new { id = "rank-1", content } } }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Expect(Page.Locator(".prompt")).ToContainTextAsync("用一句话解释什么是复式记账。");
        await Page.Keyboard.PressAsync("2");                       // response B to the top: B, A, C
        await Page.GetByRole(AriaRole.Button, new() { Name = "Move response A up" }).ClickAsync(); // A, B, C
        await Page.GetByRole(AriaRole.Button, new() { Name = "Move response C up" }).ClickAsync(); // A, C, B
        await Page.Keyboard.PressAsync("Enter");
        var answer = await SubmittedAnswerAsync(enterprise, orderId);
        Assert.That(answer.EnumerateArray().Select(i => i.GetInt32()), Is.EqualTo(new[] { 0, 2, 1 }), answer.ToString());
    }

    [Test]
    public async Task An_SFT_answer_is_written_in_a_text_area_and_sent_with_Ctrl_Enter()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new { taskType = "llm-sft", labels = Array.Empty<string>(), items = new[] { new { id = "p-1", content = "写一封礼貌地拒绝会议邀请的回信。" } } }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        var area = Page.GetByLabel("Your ideal answer");
        await Expect(area).ToBeFocusedAsync();
        await area.FillAsync("感谢您的邀请。\n很遗憾，那天我已有安排，无法参加。");
        await area.PressAsync("Enter"); // a new line, not a submit
        await Expect(Page.Locator("#lease-countdown")).ToBeVisibleAsync();
        await area.PressAsync("Control+Enter");
        var answer = await SubmittedAnswerAsync(enterprise, orderId);
        Assert.That(answer.GetString(), Is.EqualTo("感谢您的邀请。\n很遗憾，那天我已有安排，无法参加。\n"));
    }

    [Test]
    public async Task Audio_is_played_from_its_signed_link_and_transcribed()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await MediaOrderAsync(enterprise, "transcription", [], 1, TestImages.Wav, "wav");

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Expect(Page.Locator("audio")).ToHaveAttributeAsync("src", new Regex($"^/api/orders/content/{orderId}/photos/harbour-1.wav\\?expires="));
        await Page.WaitForFunctionAsync("() => document.querySelector('audio').readyState >= 1 && document.querySelector('audio').duration > 0.1");
        await Page.GetByLabel("Transcription").FillAsync("您好，请问有什么可以帮您？");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        Assert.That((await SubmittedAnswerAsync(enterprise, orderId)).GetString(), Is.EqualTo("您好，请问有什么可以帮您？"));
    }

    [Test]
    public async Task Audio_classification_takes_several_labels_with_number_keys()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await MediaOrderAsync(enterprise, "audio-classification", ["speech", "music", "noise"], 1, TestImages.Wav, "wav", new { multiLabel = true });

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Expect(Page.Locator("audio")).ToBeVisibleAsync();
        await Page.Keyboard.PressAsync("1");
        await Page.Keyboard.PressAsync("3");
        await Page.Keyboard.PressAsync("2");
        await Page.Keyboard.PressAsync("2"); // toggled off again
        await Page.Keyboard.PressAsync("Enter");
        var answer = await SubmittedAnswerAsync(enterprise, orderId);
        Assert.That(answer.EnumerateArray().Select(l => l.GetString()), Is.EquivalentTo(new[] { "speech", "noise" }), answer.ToString());
    }

    [Test]
    public async Task A_rubric_is_scored_per_criterion_and_a_missing_score_is_named_before_sending()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new
        {
            taskType = "rubric-evaluation", labels = Array.Empty<string>(),
            criteria = new[] { new { name = "helpfulness", min = 1, max = 5 }, new { name = "accuracy", min = 1, max = 5 } },
            items = new[] { new { id = "qa-1", content = "问：什么是增值税？答：一种对商品和服务增值部分征收的税。" } },
        }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Page.GetByLabel("helpfulness (1–5)").FillAsync("4");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(Page.Locator(".label-main .form-error")).ToContainTextAsync("accuracy");
        await Page.GetByLabel("accuracy (1–5)").FillAsync("5");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        var answer = await SubmittedAnswerAsync(enterprise, orderId);
        Assert.That(answer.GetProperty("helpfulness").GetInt32(), Is.EqualTo(4));
        Assert.That(answer.GetProperty("accuracy").GetInt32(), Is.EqualTo(5));
    }

    [Test]
    public async Task A_suite_is_claimed_at_once_and_worked_through_item_by_item()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new { suiteSize = 3 }, items: 3);

        await SignInAsync(worker);
        await Page.GotoAsync("/#/work");
        await Page.Locator($"article.work[data-order-id='{orderId}']").GetByRole(AriaRole.Button, new() { Name = "Claim a suite of 3" }).ClickAsync();
        await Expect(Page.Locator(".page-head")).ToContainTextAsync("1 of 3 held");
        Assert.That((await worker.GetAsync("/api/tasks/assignments/mine")).GetArrayLength(), Is.EqualTo(3), "one claim, three items under one lease");
        for (var left = 3; left > 0; left--)
        {
            await Expect(Page.Locator(".page-head")).ToContainTextAsync($"1 of {left} held");
            await Page.Keyboard.PressAsync(left % 2 == 0 ? "2" : "1");
            await Page.Keyboard.PressAsync("Enter");
        }
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();
        var answers = (await AssignmentsAsync(enterprise, orderId)).Select(a => a.GetProperty("answer").GetString()).ToList();
        Assert.That(answers, Is.EquivalentTo(new[] { "positive", "negative", "positive" }));
    }

    [Test]
    public async Task A_worker_trains_takes_the_test_and_earns_the_qualification_in_the_browser()
    {
        var op = await Api.OperatorAsync();
        var worker = await Api.SignUpAsync("worker");
        var qualification = $"sentiment-{Guid.NewGuid():N}"[..20];
        await Api.ReadAsync(await op.PostAsync("/api/tasks/exams", new
        {
            qualification, name = "评论情感考试 Sentiment exam", instructions = "判断评论的情感。", taskType = "text-classification",
            labels = new[] { "positive", "negative" }, passMark = 0.5m, timeLimitSeconds = 600,
            trainingItems = new[] { new { id = "t1", content = "质量很好，非常满意。", knownAnswer = (object)"positive", explanation = "满意 is praise." } },
            testItems = new[]
            {
                new { id = "q1", content = "用了两天就坏了。", knownAnswer = (object)"negative" },
                new { id = "q2", content = "物超所值，还会再买。", knownAnswer = (object)"positive" },
            },
        }), HttpStatusCode.Created);

        await SignInAsync(worker);
        await Page.GotoAsync("/#/profile");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Take the exam 评论情感考试 Sentiment exam" }).ClickAsync();
        await Expect(Page.Locator(".label-main")).ToContainTextAsync("Training item 1 of 1");
        await Page.Keyboard.PressAsync("2"); // wrong on purpose: training explains
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator(".feedback")).ToContainTextAsync("Not right.");
        await Expect(Page.Locator(".feedback")).ToContainTextAsync("满意 is praise.");
        await Page.Keyboard.PressAsync("Enter");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start the test" }).ClickAsync();
        await Expect(Page.Locator("#exam-clock")).ToHaveTextAsync(new Regex(@"^(10:00|9:\d\d)$"));
        foreach (var (key, number) in new[] { ("2", 1), ("1", 2) })
        {
            await Expect(Page.Locator(".label-main")).ToContainTextAsync($"Test item {number} of 2");
            await Page.Keyboard.PressAsync(key);
            await Page.Keyboard.PressAsync("Enter");
        }
        await Expect(Page.Locator(".exam-result")).ToContainTextAsync("Passed");
        var profile = await worker.GetAsync("/api/tasks/workers/me");
        Assert.That(profile.GetProperty("qualifications").EnumerateArray().Select(q => q.GetProperty("name").GetString()), Does.Contain(qualification));
    }
}
