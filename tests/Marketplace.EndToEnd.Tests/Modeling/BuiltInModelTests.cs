using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Modeling;

/// <summary>
/// The built-in model (issue 15 item 2) end to end: an enterprise turns it on for an order, it learns from the order's
/// gold and accepted labels in the background, and the slots nobody has claimed carry its calibrated suggestions, on
/// real mails (spam or ham) and real photographs (flower or landscape); a training that cannot succeed leaves the work
/// going; bad input on its endpoints is refused by name.
/// </summary>
[TestFixture]
public class BuiltInModelTests
{
    private static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Modeling", "Data");

    private static List<(string Id, string Label, string Text)> Mails() => File.ReadLines(Path.Combine(Folder, "spam-assassin-sample.jsonl"))
        .Select(l => JsonDocument.Parse(l).RootElement)
        .Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("label").GetString()!, m.GetProperty("text").GetString()!)).ToList();

    private static List<(string Name, string Label, byte[] Bytes)> Photos() => Directory.GetFiles(Path.Combine(Folder, "photos"), "*.jpg")
        .Order(StringComparer.Ordinal)
        .Select(f => (Path.GetFileName(f), Path.GetFileName(f).Split('-')[0], File.ReadAllBytes(f))).ToList();

    private static string Line(object item) => JsonSerializer.Serialize(item) + "\n";

    /// <summary>A published crowd order from a manifest whose gold items are every third line (12 of them at least).</summary>
    internal static async Task<Guid> PublishedAsync(Actor enterprise, object settings, Func<Guid, Task<string>> manifest)
    {
        await Scenario.DepositAsync(enterprise, 50.00m);
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise, settings);
        var upload = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", await manifest(orderId));
        Assert.That(upload.GetProperty("status").GetString(), Is.EqualTo("imported"), upload.ToString());
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) > 0, "tasks splits the order");
        return orderId;
    }

    internal static async Task<JsonElement> ChooseAsync(Actor enterprise, Guid orderId, string source) =>
        await Api.ReadAsync(await Api.Send(enterprise.Http, HttpMethod.Put, $"/api/tasks/orders/{orderId}/model", new { source }), HttpStatusCode.OK);

    private static async Task<JsonElement> ReadyAsync(Actor enterprise, Guid orderId)
    {
        JsonElement model = default;
        await Api.EventuallyAsync(async () =>
        {
            model = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model");
            Assert.That(model.GetProperty("state").GetString(), Is.Not.EqualTo("failed"), model.ToString());
            return model.GetProperty("state").GetString() == "ready";
        }, "the built-in model has a version", TimeSpan.FromSeconds(120));
        return model;
    }

    private static async Task<JsonElement> ClaimAsync(Actor worker, Guid orderId) =>
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);

    [Test]
    public async Task A_text_order_learns_from_its_gold_and_its_open_slots_carry_the_models_calibrated_suggestion()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var mails = Mails();
        var orderId = await PublishedAsync(enterprise, new { taskType = "text-classification", labels = new[] { "spam", "ham" }, goldShare = 0.4m, overlap = 2 },
            _ => Task.FromResult(string.Concat(mails.Select((m, i) => i % 5 == 0
                ? Line(new { id = m.Id, content = m.Text, gold = m.Label })
                : Line(new { id = m.Id, content = m.Text })))));

        var before = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model");
        Assert.That((before.GetProperty("source").GetString(), before.GetProperty("supported").GetBoolean()), Is.EqualTo(("off", true)));
        Assert.That(before.GetProperty("heldOutShare").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var on = await ChooseAsync(enterprise, orderId, "builtin");
        Assert.That(on.GetProperty("source").GetString(), Is.EqualTo("builtin"));
        Assert.That(on.GetProperty("minimumExamples").GetInt32(), Is.EqualTo(10));
        Assert.That(on.GetProperty("heldOutShare").GetDecimal(), Is.EqualTo(0.1m), "a small order holds out a tenth of its items");

        var model = await ReadyAsync(enterprise, orderId);
        Assert.That(model.GetProperty("currentModelVersion").GetString(), Is.EqualTo("builtin-text-v1"));
        var version = model.GetProperty("versions").GetProperty("items")[0];
        Assert.That(version.GetProperty("trainingExamples").GetInt32() + version.GetProperty("heldOutExamples").GetInt32(), Is.EqualTo(12),
            "the twelve gold mails: no worker has answered yet");
        Assert.That(version.GetProperty("heldOutAccuracy").GetDecimal(), Is.InRange(0m, 1m));
        Assert.That(version.GetProperty("calibrationError").GetDecimal(), Is.InRange(0m, 1m));
        Assert.That(version.GetProperty("adopted").GetBoolean(), Is.True);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model"))
            .GetProperty("versions").GetProperty("items")[0].GetProperty("itemsPredicted").GetInt32() >= mails.Count,
            "every item with an open slot, gold included, is predicted");

        // Two workers' claims carry the model's suggestion with its calibrated confidence; both answer truthfully, and the
        // regular items they answered (not settled yet: provisional, weighted by agreement and by the workers' gold) train
        // a second version, which is measured on gold alone.
        var workers = new[] { await Api.SignUpAsync("worker"), await Api.SignUpAsync("worker") };
        var answered = workers.Select(_ => new HashSet<string>()).ToArray();
        var submitted = new List<Guid>();
        JsonElement prelabel = default;
        var gold = mails.Where((_, i) => i % 5 == 0).Select(m => m.Id).ToHashSet();
        for (var round = 0; round < 20 && answered[0].Intersect(answered[1]).Count(i => !gold.Contains(i)) < 3; round++)
        {
            for (var w = 0; w < 2; w++)
            {
                var claim = await ClaimAsync(workers[w], orderId);
                if (prelabel.ValueKind == JsonValueKind.Undefined) prelabel = claim.GetProperty("prelabel");
                var item = claim.GetProperty("itemId").GetString()!;
                var id = claim.GetProperty("assignmentId").GetGuid();
                await Api.ReadAsync(await workers[w].PostAsync($"/api/tasks/assignments/{id}/submit",
                    new { answer = mails.Single(m => m.Id == item).Label }), HttpStatusCode.OK);
                answered[w].Add(item);
                submitted.Add(id);
            }
        }
        Assert.That(prelabel.GetProperty("modelVersion").GetString(), Is.EqualTo("builtin-text-v1"));
        Assert.That(prelabel.GetProperty("label").GetString(), Is.AnyOf("spam", "ham"));
        Assert.That(prelabel.GetProperty("score").GetDecimal(), Is.InRange(0m, 1m));
        var agreed = answered[0].Intersect(answered[1]).Count(i => !gold.Contains(i));
        Assert.That(agreed, Is.GreaterThanOrEqualTo(3), "both workers answered at least three regular items");
        foreach (var id in submitted) await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model"))
            .GetProperty("versions").GetProperty("total").GetInt64() == 2, "a second version learns from the answers so far", TimeSpan.FromSeconds(90));
        var second = (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model")).GetProperty("versions").GetProperty("items")[1];
        Assert.That(second.GetProperty("modelVersion").GetString(), Is.EqualTo("builtin-text-v2"));
        var regularAnswered = answered[0].Union(answered[1]).Count(i => !gold.Contains(i));
        Assert.That(second.GetProperty("trainingExamples").GetInt32() + second.GetProperty("heldOutExamples").GetInt32(),
            Is.InRange(13, 12 + regularAnswered), "the gold mails and, provisionally, regular ones the workers answered");
        Assert.That(second.GetProperty("heldOutExamples").GetInt32(), Is.EqualTo(version.GetProperty("heldOutExamples").GetInt32()),
            "measured on the same gold mails as the first: answers not settled never measure the model");

        // The operator reads it; turned off, the suggestions leave the slots nobody has claimed.
        var op = await Api.OperatorAsync();
        Assert.That((await op.GetAsync($"/api/tasks/orders/{orderId}/model")).GetProperty("versions").GetProperty("total").GetInt64(), Is.EqualTo(2));
        var off = await ChooseAsync(enterprise, orderId, "off");
        Assert.That((off.GetProperty("source").GetString(), off.GetProperty("state").ValueKind), Is.EqualTo(("off", JsonValueKind.Null)));
        Assert.That(off.GetProperty("versions").GetProperty("total").GetInt64(), Is.EqualTo(2), "its versions stay on record");
        var next = await ClaimAsync(workers[0], orderId);
        Assert.That(next.GetProperty("prelabel").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_large_orders_audit_is_about_200_items_fixed_when_the_model_is_turned_on()
    {
        // 4,000 regular mails and 40 gold ones: the audit holds out 200 / 4,000 = 5% (gold is not counted; it has its own share).
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 450.00m);
        var mails = Mails().Select(m => (m.Label, Text: m.Text[..Math.Min(200, m.Text.Length)])).ToList();
        var orderId = await PublishedAsync(enterprise, new { taskType = "text-classification", labels = new[] { "spam", "ham" }, goldShare = 0.01m },
            _ => Task.FromResult(string.Concat(Enumerable.Range(0, 4_040).Select(i => i < 40
                ? Line(new { id = $"gold-{i}", content = mails[i % mails.Count].Text, gold = mails[i % mails.Count].Label })
                : Line(new { id = $"mail-{i}", content = $"{mails[i % mails.Count].Text} ({i})" })))));

        var on = await ChooseAsync(enterprise, orderId, "builtin");
        Assert.That(on.GetProperty("heldOutShare").GetDecimal(), Is.EqualTo(0.05m));
        // Off and on again: the same items, the same share (an item never moves between training and the audit).
        await ChooseAsync(enterprise, orderId, "off");
        Assert.That((await ChooseAsync(enterprise, orderId, "builtin")).GetProperty("heldOutShare").GetDecimal(), Is.EqualTo(0.05m));
        Assert.That((await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model")).GetProperty("heldOutShare").GetDecimal(), Is.EqualTo(0.05m));
        await ChooseAsync(enterprise, orderId, "off"); // spares the test cluster predicting 4,000 mails
    }

    [Test]
    public async Task An_image_order_learns_from_resnet_features_of_its_photographs()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var photos = Photos();
        var orderId = await PublishedAsync(enterprise,
            new { taskType = "image-classification", labels = new[] { "flower", "landscape" }, goldShare = 0.4m }, async id =>
            {
                foreach (var (name, _, bytes) in photos) await PutFileAsync(enterprise, id, name, bytes);
                return string.Concat(photos.Select((p, i) => i % 3 == 0
                    ? Line(new { id = p.Name, contentUri = $"content://{id}/{p.Name}", gold = p.Label })
                    : Line(new { id = p.Name, contentUri = $"content://{id}/{p.Name}" })));
            });
        await ChooseAsync(enterprise, orderId, "builtin");
        var model = await ReadyAsync(enterprise, orderId);
        Assert.That(model.GetProperty("currentModelVersion").GetString(), Is.EqualTo("builtin-image-v1"));
        var version = model.GetProperty("versions").GetProperty("items")[0];
        Assert.That(version.GetProperty("trainingExamples").GetInt32() + version.GetProperty("heldOutExamples").GetInt32(), Is.EqualTo(11));
        Assert.That(version.GetProperty("heldOutAccuracy").GetDecimal(), Is.InRange(0m, 1m));

        var worker = await Api.SignUpAsync("worker");
        JsonElement prelabel = default;
        await Api.EventuallyAsync(async () =>
        {
            var claim = await ClaimAsync(worker, orderId);
            prelabel = claim.GetProperty("prelabel");
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{claim.GetProperty("assignmentId").GetGuid()}/submit",
                new { answer = claim.GetProperty("itemId").GetString()!.Split('-')[0] }), HttpStatusCode.OK);
            return prelabel.ValueKind == JsonValueKind.Object;
        }, "a claimed slot carries the model's suggestion");
        Assert.That(prelabel.GetProperty("modelVersion").GetString(), Is.EqualTo("builtin-image-v1"));
        Assert.That(prelabel.GetProperty("label").GetString(), Is.AnyOf("flower", "landscape"));
    }

    /// <summary>An image order whose photographs are each cut to their first third: the header (and the size orders
    /// records) is whole, the pixels are not. Every third is gold.</summary>
    internal static async Task<Guid> BrokenPhotosOrderAsync(Actor enterprise, string title = "Photo classification")
    {
        var photos = Photos().Select(p => (p.Name, p.Label, Bytes: p.Bytes[..(p.Bytes.Length / 3)])).ToList();
        return await PublishedAsync(enterprise,
            new { title, taskType = "image-classification", labels = new[] { "flower", "landscape" }, goldShare = 0.4m }, async id =>
            {
                foreach (var (name, _, bytes) in photos) await PutFileAsync(enterprise, id, name, bytes);
                return string.Concat(photos.Select((p, i) => i % 3 == 0
                    ? Line(new { id = p.Name, contentUri = $"content://{id}/{p.Name}", gold = p.Label })
                    : Line(new { id = p.Name, contentUri = $"content://{id}/{p.Name}" })));
            });
    }

    [Test]
    public async Task Images_that_cannot_be_decoded_fail_the_training_by_name_and_the_work_goes_on()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await BrokenPhotosOrderAsync(enterprise);
        await ChooseAsync(enterprise, orderId, "builtin");
        JsonElement model = default;
        await Api.EventuallyAsync(async () =>
        {
            model = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model");
            return model.GetProperty("state").GetString() == "failed";
        }, "the training fails", TimeSpan.FromSeconds(120));
        Assert.That(model.GetProperty("reason").GetString(), Does.Contain("could not be read"));
        // The same, as a code and its figures for the portal to word: every photograph unreadable, so no example is left.
        Assert.That(model.GetProperty("reasonCode").GetString(), Is.EqualTo("images_unreadable"));
        var figures = model.GetProperty("reasonParams");
        Assert.That((figures.GetProperty("examples").GetInt32(), figures.GetProperty("minimum").GetInt32()), Is.EqualTo((0, 10)));
        Assert.That(figures.GetProperty("unreadable").GetInt32(), Is.GreaterThan(0));
        Assert.That(figures.GetProperty("first").GetString(), Does.EndWith(".jpg").Or.Contain(".jpg:"));
        Assert.That(model.GetProperty("versions").GetProperty("total").GetInt64(), Is.Zero);

        var worker = await Api.SignUpAsync("worker");
        var claim = await ClaimAsync(worker, orderId);
        Assert.That(claim.GetProperty("prelabel").ValueKind, Is.EqualTo(JsonValueKind.Null));
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{claim.GetProperty("assignmentId").GetGuid()}/submit",
            new { answer = "flower" }), HttpStatusCode.OK);
    }

    [Test]
    public async Task Bad_input_on_the_model_endpoints_is_refused_naming_the_problem()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 0.10m);
        var path = $"/api/tasks/orders/{orderId}/model";

        foreach (var body in new object[] { "{\"source\": 5", new { source = "magic" }, new { }, new { source = "backend" } })
        {
            var problem = await Api.ReadAsync(await Api.Send(enterprise.Http, HttpMethod.Put, path, body), HttpStatusCode.BadRequest);
            if (body is not string) Assert.That(problem.GetProperty("errors").TryGetProperty("source", out _), Is.True, problem.ToString());
        }
        var stranger = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await Api.Send(stranger.Http, HttpMethod.Put, path, new { source = "builtin" }), HttpStatusCode.NotFound);
        await Api.ReadAsync(await stranger.Http.GetAsync(path), HttpStatusCode.NotFound);
        await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{Guid.NewGuid()}/model"), HttpStatusCode.NotFound);
        var op = await Api.OperatorAsync();
        await Api.ReadAsync(await Api.Send(op.Http, HttpMethod.Put, path, new { source = "builtin" }), HttpStatusCode.Forbidden);
        Assert.That((await op.GetAsync(path)).GetProperty("source").GetString(), Is.EqualTo("off"), "the operator reads, and changed nothing");
        var worker = await Api.SignUpAsync("worker");
        await Api.ReadAsync(await worker.Http.GetAsync(path), HttpStatusCode.Forbidden);
        foreach (var query in new[] { "page=0", "pageSize=101" })
            await Api.ReadAsync(await enterprise.Http.GetAsync($"{path}?{query}"), HttpStatusCode.BadRequest);

        // Task types without a built-in model: boxes, and multi-label classification.
        foreach (var settings in new object[]
                 {
                     new { taskType = "bounding-boxes", labels = new[] { "car", "person" }, items = new[] { new { id = "b1", content = "https://datasets.example/1.jpg" } } },
                     new { multiLabel = true, items = new[] { new { id = "m1", content = "Great value and quick delivery." } } },
                 })
        {
            var other = await Scenario.PublishedOrderWithAsync(enterprise, settings, items: 1, unitPrice: 0.10m);
            var refused = await Api.ReadAsync(await Api.Send(enterprise.Http, HttpMethod.Put, $"/api/tasks/orders/{other}/model", new { source = "builtin" }),
                HttpStatusCode.Conflict);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("model.unsupported_task_type"));
            var read = await enterprise.GetAsync($"/api/tasks/orders/{other}/model");
            Assert.That((read.GetProperty("supported").GetBoolean(), read.GetProperty("source").GetString()), Is.EqualTo((false, "off")));
        }
    }

    private static async Task PutFileAsync(Actor enterprise, Guid orderId, string name, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("image/jpeg");
        await Api.ReadAsync(await enterprise.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/files/{name}") { Content = content }),
            HttpStatusCode.Created);
    }
}
