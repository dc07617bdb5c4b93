using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>The worker's flow in a real browser: sign in, find work, claim, label each kind of item, submit, release.</summary>
[TestFixture]
public class WorkerPortalTests : PortalTest
{
    [Test]
    public async Task A_worker_signs_in_claims_labels_an_image_by_clicking_and_the_submission_reaches_the_API()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await ImageOrderAsync(enterprise, "image-classification", ["boat", "no-boat"], images: 1);

        await SignInAsync(worker);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Available work" })).ToBeVisibleAsync();
        var card = Page.Locator($"article.work[data-order-id='{orderId}']");
        await Expect(card).ToContainTextAsync("港口船只");
        await SnapAsync("worker-available-work");
        await card.GetByRole(AriaRole.Button, new() { Name = "Start labeling" }).ClickAsync();

        var image = Page.Locator("img.item-image");
        await Expect(image).ToHaveAttributeAsync("src", new Regex($"^/api/orders/content/{orderId}/photos/harbour-1.png\\?expires=\\d+&sig="));
        await Page.WaitForFunctionAsync("() => document.querySelector('img.item-image')?.naturalWidth === 480");
        await Page.GetByRole(AriaRole.Radio, new() { Name = "boat", Exact = false }).First.ClickAsync();
        await Expect(Page.Locator("button.choice[data-label='boat']")).ToHaveAttributeAsync("aria-checked", "true");
        await SnapAsync("worker-labeling-image");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();

        var assignment = (await AssignmentsAsync(enterprise, orderId)).Single();
        Assert.That(assignment.GetProperty("status").GetString(), Is.AnyOf("submitted", "approved"));
        Assert.That(assignment.GetProperty("workerId").GetGuid(), Is.EqualTo(worker.UserId));
        Assert.That(assignment.GetProperty("answer").GetString(), Is.EqualTo("boat"));
    }

    [Test]
    public async Task Number_keys_pick_a_label_Enter_submits_and_Chinese_text_shows_as_written()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        const string review = "电池很耐用，充电也快。物流比预期早到一天！";
        var orderId = await InlineOrderAsync(enterprise, new
        {
            title = "商品评论情感 (sentiment)",
            labels = new[] { "正面", "负面", "中性" },
            items = new[] { new { id = "评论-1", content = review } },
        }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Expect(Page.Locator(".item-text")).ToHaveTextAsync(review);
        await Page.Keyboard.PressAsync("3");
        await Expect(Page.Locator("button.choice[data-label='中性']")).ToHaveAttributeAsync("aria-checked", "true");
        await Page.Keyboard.PressAsync("1");
        await Expect(Page.Locator("button.choice[data-label='正面']")).ToHaveAttributeAsync("aria-checked", "true");
        await Expect(Page.Locator("button.choice[data-label='中性']")).ToHaveAttributeAsync("aria-checked", "false");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();

        var assignment = (await AssignmentsAsync(enterprise, orderId)).Single();
        Assert.That(assignment.GetProperty("itemId").GetString(), Is.EqualTo("评论-1"));
        Assert.That(assignment.GetProperty("answer").GetString(), Is.EqualTo("正面"));
    }

    [Test]
    public async Task A_box_drawn_with_the_mouse_lands_as_a_box_answer_with_the_coordinates_drawn()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await ImageOrderAsync(enterprise, "bounding-boxes", ["car", "pedestrian"], images: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Page.WaitForFunctionAsync("() => document.querySelector('img.item-image')?.naturalWidth === 480");
        await Page.Keyboard.PressAsync("2"); // the class for the next box: pedestrian
        var box = (await Page.Locator("img.item-image").BoundingBoxAsync())!;
        await Page.Mouse.MoveAsync(box.X + box.Width * 0.25f, box.Y + box.Height * 0.20f);
        await Page.Mouse.DownAsync();
        for (var step = 1; step <= 10; step++)
            await Page.Mouse.MoveAsync(box.X + box.Width * (0.25f + 0.05f * step), box.Y + box.Height * (0.20f + 0.04f * step));
        await Page.Mouse.UpAsync();
        await Expect(Page.Locator(".box-layer .box")).ToHaveCountAsync(1);
        await Expect(Page.Locator(".box-list li")).ToContainTextAsync("pedestrian");
        await SnapAsync("worker-labeling-boxes");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();

        var answer = (await AssignmentsAsync(enterprise, orderId)).Single().GetProperty("answer");
        Assert.That(answer.GetArrayLength(), Is.EqualTo(1), answer.ToString());
        var drawn = answer[0];
        Assert.That(drawn.GetProperty("label").GetString(), Is.EqualTo("pedestrian"));
        Assert.That(drawn.GetProperty("x").GetDouble(), Is.EqualTo(0.25).Within(0.01), answer.ToString());
        Assert.That(drawn.GetProperty("y").GetDouble(), Is.EqualTo(0.20).Within(0.01), answer.ToString());
        Assert.That(drawn.GetProperty("width").GetDouble(), Is.EqualTo(0.50).Within(0.01), answer.ToString());
        Assert.That(drawn.GetProperty("height").GetDouble(), Is.EqualTo(0.40).Within(0.01), answer.ToString());
    }

    /// <summary>Drags the mouse across characters [start, end) of the text being labeled.</summary>
    private async Task SelectTextAsync(int start, int end)
    {
        var rects = await Page.EvaluateAsync<JsonElement>("""
            ([start, end]) => {
              const root = document.querySelector('.span-text');
              const at = offset => {
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                let node, seen = 0;
                while ((node = walker.nextNode())) {
                  if (offset < seen + node.length) { const r = document.createRange(); r.setStart(node, offset - seen); r.setEnd(node, offset - seen + 1); return r.getBoundingClientRect(); }
                  seen += node.length;
                }
              };
              const a = at(start), b = at(end - 1);
              return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
            }
            """, new[] { start, end });
        await Page.Mouse.MoveAsync(rects.GetProperty("x1").GetSingle(), rects.GetProperty("y1").GetSingle());
        await Page.Mouse.DownAsync();
        await Page.Mouse.MoveAsync(rects.GetProperty("x2").GetSingle(), rects.GetProperty("y2").GetSingle(), new() { Steps = 5 });
        await Page.Mouse.UpAsync();
    }

    [Test]
    public async Task Text_selected_with_the_mouse_becomes_spans_with_character_offsets()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        const string text = "李伟于2019年加入华为公司。";
        var orderId = await InlineOrderAsync(enterprise, new
        {
            taskType = "text-spans", labels = new[] { "PERSON", "ORG" },
            items = new[] { new { id = "news-1", content = text } },
        }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Expect(Page.Locator(".span-text")).ToHaveTextAsync(text);
        await SelectTextAsync(0, 2);
        await Expect(Page.Locator(".span-text mark[data-label='PERSON']")).ToHaveTextAsync("李伟");
        await Page.Keyboard.PressAsync("2");
        await SelectTextAsync(10, 14);
        await Expect(Page.Locator(".span-text mark[data-label='ORG']")).ToHaveTextAsync("华为公司");
        await SnapAsync("worker-labeling-spans");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();

        var answer = (await AssignmentsAsync(enterprise, orderId)).Single().GetProperty("answer");
        var spans = answer.EnumerateArray().Select(s => (s.GetProperty("label").GetString(), s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32())).ToList();
        Assert.That(spans, Is.EqualTo(new[] { ("PERSON", 0, 2), ("ORG", 10, 14) }), answer.ToString());
    }

    [Test]
    public async Task The_lease_counts_down_and_giving_the_item_back_returns_it_to_the_pool()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new { leaseSeconds = 300 }, items: 1);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        var countdown = Page.Locator("#lease-countdown");
        await Expect(countdown).ToHaveTextAsync(new Regex(@"^[45]:\d\d$"));
        var first = await countdown.TextContentAsync();
        await Expect(countdown).Not.ToHaveTextAsync(first!, new() { Timeout = 5_000 });
        var held = await worker.GetAsync("/api/tasks/assignments/mine");
        Assert.That(held.GetArrayLength(), Is.EqualTo(1), "the claim in the browser holds the item");
        Assert.That((await enterprise.GetAsync($"/api/tasks/orders/{orderId}/progress")).GetProperty("leased").GetInt64(), Is.EqualTo(1));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Give back" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Available work" })).ToBeVisibleAsync();
        Assert.That((await worker.GetAsync("/api/tasks/assignments/mine")).GetArrayLength(), Is.Zero);
        var progress = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/progress");
        Assert.That(progress.GetProperty("open").GetInt64(), Is.EqualTo(1), progress.ToString());
        var other = await Api.SignUpAsync("worker");
        await Api.ReadAsync(await other.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
    }

    [Test]
    public async Task My_submissions_come_from_the_API_on_any_device_and_a_rejection_is_appealed_there()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var orderId = await InlineOrderAsync(enterprise, new { }, items: 2);
        // One item submitted through the API alone, never in a browser.
        var elsewhere = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{elsewhere}/submit", new { answer = "positive" }), HttpStatusCode.OK);

        await SignInAsync(worker);
        await StartOrderAsync(orderId);
        await Page.Keyboard.PressAsync("2");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "All done" })).ToBeVisibleAsync();
        var id = (await AssignmentsAsync(enterprise, orderId)).Select(a => a.GetProperty("id").GetGuid()).Single(a => a != elsewhere);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/reject",
            new { reasonCode = "wrong-answer", comment = "这条评论是正面的 (it is praise)." }), HttpStatusCode.OK);

        // Another device: nothing of the first browser's storage, so the list can only come from tasks.
        await NewBrowserContextAsync();
        await SignInAsync(worker);
        await Page.EvaluateAsync("() => localStorage.clear()");
        await Page.GotoAsync("/#/history");
        var row = Page.Locator($"li.sub[data-assignment-id='{id}']");
        await Expect(row).ToContainTextAsync("Rejected: Wrong answer.");
        await Expect(row).ToContainTextAsync("这条评论是正面的 (it is praise).");
        await Expect(row).ToContainTextAsync("Product review sentiment");
        var other = Page.Locator($"li.sub[data-assignment-id='{elsewhere}']");
        await Expect(other).ToBeVisibleAsync();
        await Expect(Page.Locator("li.sub")).ToHaveCountAsync(2);
        Assert.That(await Page.Locator("li.sub").First.GetAttributeAsync("data-assignment-id"), Is.EqualTo(id.ToString()), "newest first");
        await row.GetByLabel(new Regex("^Appeal")).FillAsync("I read it again: the reviewer complains, so it is negative.");
        await row.GetByRole(AriaRole.Button, new() { Name = "Send appeal" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Appeal sent");
        var assignment = await enterprise.GetAsync($"/api/tasks/assignments/{id}");
        Assert.That(assignment.GetProperty("appealStatus").GetString(), Is.EqualTo("pending"));
        await Page.ReloadAsync();
        await Expect(Page.Locator($"li.sub[data-assignment-id='{id}']")).ToContainTextAsync("Appeal pending");
    }

    [Test]
    public async Task A_validation_error_from_the_API_appears_next_to_the_field_it_names()
    {
        await Page.GotoAsync("/#/register");
        await Page.GetByLabel("Display name").FillAsync("王小明");
        await Page.GetByLabel("Organisation").FillAsync("个人");
        await Page.GetByLabel("E-mail").FillAsync($"worker-{Guid.NewGuid():N}@e2e.test");
        await Page.GetByLabel("Password").FillAsync("short");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var password = Page.GetByLabel("Password");
        await Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        var note = Page.Locator(".field:has(input[name=password]) .field-error");
        await Expect(note).ToContainTextAsync("10");
        await Expect(Page.Locator(".field:has(input[name=email]) .field-error")).ToHaveCountAsync(0);
        Assert.That(await password.GetAttributeAsync("aria-describedby"), Is.EqualTo(await note.GetAttributeAsync("id")));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create an account" })).ToBeVisibleAsync();
    }
}
