using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Every task type travels the whole flow, and answers of the wrong shape are refused naming 'answer'.</summary>
[TestFixture]
public class TaskTypeTests
{
    public sealed record Case(string TaskType, object Template, string[] Contents, string[] GoodAnswers, string BadAnswer)
    {
        public override string ToString() => TaskType;
    }

    private const string Ranking = """{"prompt": "What is escrow?", "responses": ["Money held by a third party until a deal completes.", "A kind of bird.", "A bank fee."]}""";

    public static IEnumerable<Case> Cases() =>
    [
        new("text-classification", new { labels = new[] { "positive", "negative" } },
            ["Arrived early, works well.", "Broke in a week."], ["\"positive\"", "\"negative\""], "\"sarcastic\""),
        new("image-classification", new { labels = new[] { "boat", "no-boat" }, multiLabel = false },
            ["https://datasets.example/nagasaki-boats/001.jpg", "https://datasets.example/nagasaki-boats/002.jpg"], ["\"boat\"", "\"no-boat\""], "[\"boat\"]"),
        new("audio-classification", new { labels = new[] { "speech", "music", "noise" }, multiLabel = true },
            ["https://datasets.example/clips/0001.wav", "https://datasets.example/clips/0002.wav"], ["[\"speech\", \"music\"]", "[\"noise\"]"], "[]"),
        new("bounding-boxes", new { labels = new[] { "car", "pedestrian" } },
            ["https://datasets.example/street/1.jpg", "https://datasets.example/street/2.jpg"],
            ["[{\"label\": \"car\", \"x\": 0.1, \"y\": 0.5, \"width\": 0.3, \"height\": 0.2}]", "[]"],
            "[{\"label\": \"car\", \"x\": 0.9, \"y\": 0.5, \"width\": 0.3, \"height\": 0.2}]"),
        new("text-spans", new { labels = new[] { "PERSON", "ORG" } },
            ["Li Wei joined Huawei in 2019.", "The committee met on Monday."],
            ["[{\"label\": \"PERSON\", \"start\": 0, \"end\": 6}, {\"label\": \"ORG\", \"start\": 14, \"end\": 20}]", "[]"],
            "[{\"label\": \"PERSON\", \"start\": 0, \"end\": 400}]"),
        new("transcription", new { },
            ["https://datasets.example/calls/0001.wav", "https://datasets.example/calls/0002.wav"], ["\"Hello, how can I help you?\"", "\"Please hold the line.\""], "{\"text\": 1}"),
        new("llm-sft", new { },
            ["Explain double-entry bookkeeping to a new accountant.", "Write a polite reply declining a meeting."],
            ["\"Every transaction is recorded twice, as a debit and an equal credit...\"", "\"Thank you for the invitation; unfortunately...\""], "\"  \""),
        new("reward-ranking", new { },
            [Ranking, Ranking], ["[0, 2, 1]", "[0, 1, 2]"], "[0, 0, 1]"),
        new("rubric-evaluation", new { criteria = new[] { new { name = "helpfulness", min = 1, max = 5 }, new { name = "accuracy", min = 1, max = 5 } } },
            ["Q: What is VAT? A: A tax on consumption.", "Q: What is GDP? A: A bakery."],
            ["{\"helpfulness\": 4, \"accuracy\": 5}", "{\"helpfulness\": 2, \"accuracy\": 1}"], "{\"helpfulness\": 9, \"accuracy\": 5}"),
    ];

    [TestCaseSource(nameof(Cases))]
    public async Task Each_task_type_goes_from_posting_to_delivery(Case c)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);

        var body = JsonNode.Parse(JsonSerializer.Serialize(c.Template, new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        body["title"] = $"{c.TaskType} order";
        body["instructions"] = "Follow the examples in the guide.";
        body["taskType"] = c.TaskType;
        body["items"] = new JsonArray(c.Contents.Select((content, i) => (JsonNode)new JsonObject { ["id"] = $"item-{i}", ["content"] = content }).ToArray());
        body["unitPrice"] = 1.50m;
        body["currency"] = "CNY";
        body["deadline"] = DateTimeOffset.UtcNow.AddDays(3).ToString("O");
        var created = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created);
        var orderId = created.GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == c.Contents.Length, "the order is split");

        var submitted = new Dictionary<string, string>();
        for (var i = 0; i < c.Contents.Length; i++)
        {
            var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
            Assert.That(claim.GetProperty("taskType").GetString(), Is.EqualTo(c.TaskType));
            var id = claim.GetProperty("assignmentId").GetGuid();
            var index = Array.IndexOf(c.Contents, claim.GetProperty("content").GetString());
            if (i == 0)
            {
                var refused = await worker.PostAsync($"/api/tasks/assignments/{id}/submit", $"{{\"answer\": {c.BadAnswer}}}");
                var problem = await Api.ReadAsync(refused, HttpStatusCode.BadRequest);
                Assert.That(problem.GetProperty("errors").TryGetProperty("answer", out _), Is.True, problem.ToString());
            }
            var answer = c.GoodAnswers[Math.Max(index, 0)];
            submitted[claim.GetProperty("itemId").GetString()!] = answer;
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", $"{{\"answer\": {answer}}}"), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
            var stored = await enterprise.GetAsync($"/api/tasks/assignments/{id}");
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(stored.GetProperty("answer").GetRawText()), JsonNode.Parse(answer)), Is.True,
                "the enterprise reads back exactly what was submitted");
        }
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 2 * 1.35m, "the worker earned both rewards");

        // One answer per item: the aggregated label is that answer (LLM fine-tuning keeps its answers and has no single label).
        var labels = await Delivery.LabelsAsync(enterprise, orderId);
        Assert.That(labels.GetProperty("total").GetInt64(), Is.EqualTo(c.Contents.Length));
        foreach (var (itemId, answer) in submitted)
        {
            var label = Delivery.LabelOf(labels, itemId);
            Assert.That(label.GetProperty("answerCount").GetInt32(), Is.EqualTo(1));
            if (c.TaskType == "llm-sft")
            {
                Assert.That(label.GetProperty("label").ValueKind, Is.EqualTo(JsonValueKind.Null));
                Assert.That(label.GetProperty("method").GetString(), Is.EqualTo("all-answers"));
                continue;
            }
            var combined = JsonNode.Parse(label.GetProperty("label").GetRawText())!;
            if (combined is JsonArray boxes) foreach (var box in boxes.OfType<JsonObject>()) box.Remove("support");
            Assert.That(JsonNode.DeepEquals(combined, JsonNode.Parse(answer)), Is.True, $"{itemId}: {combined.ToJsonString()} vs {answer}");
        }

        var lines = (await Delivery.DownloadAsync(await Delivery.ExportAsync(enterprise, orderId, "jsonl"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()), Is.EquivalentTo(submitted.Keys));
        var tasks = JsonDocument.Parse(await Delivery.DownloadAsync(await Delivery.ExportAsync(enterprise, orderId, "label-studio"))).RootElement;
        Assert.That(tasks.GetArrayLength(), Is.EqualTo(c.Contents.Length));
        var types = tasks.EnumerateArray().SelectMany(t => t.GetProperty("annotations").EnumerateArray())
            .SelectMany(a => a.GetProperty("result").EnumerateArray()).Select(r => r.GetProperty("type").GetString()).Distinct();
        Assert.That(types, Is.EqualTo(new[] { StudioResultTypes[c.TaskType] }));
        Assert.That(tasks.EnumerateArray().Select(t => t.GetProperty("predictions").GetArrayLength()), Has.All.EqualTo(c.TaskType == "llm-sft" ? 0 : 1));
    }

    private static readonly Dictionary<string, string> StudioResultTypes = new()
    {
        ["text-classification"] = "choices", ["image-classification"] = "choices", ["audio-classification"] = "choices",
        ["bounding-boxes"] = "rectanglelabels", ["text-spans"] = "labels", ["transcription"] = "textarea", ["llm-sft"] = "textarea",
        ["reward-ranking"] = "ranker", ["rubric-evaluation"] = "number",
    };

    [Test]
    public async Task Items_that_do_not_suit_the_task_type_are_refused_with_their_position()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var body = JsonNode.Parse(JsonSerializer.Serialize(Scenario.OrderBody(items: 2), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        body["taskType"] = "image-classification";
        var problem = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("items[0].content", out _), Is.True, problem.ToString());
        Assert.That(problem.GetProperty("errors").TryGetProperty("items[1].content", out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Core_grade_data_is_never_sent_to_the_crowd()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var body = JsonNode.Parse(JsonSerializer.Serialize(Scenario.OrderBody(items: 2), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        body["dataGrade"] = "core";
        body["industry"] = "medical";
        body["personalInformation"] = true;
        var refused = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").TryGetProperty("mode", out _), Is.True, refused.ToString());

        body["mode"] = "bid";
        var created = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created);
        Assert.That(created.GetProperty("dataGrade").GetString(), Is.EqualTo("core"));
        var orderId = created.GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);

        // Funded, it opens a call for bids among certified vendors: its items never go to the crowd.
        await Scenario.WaitForStatusAsync(enterprise, orderId, "tendering");
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.Zero, "no micro-task reached the crowd");
    }
}
