using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Model pre-labels uploaded with the items reach the worker, the answer the worker submits is stored, and the order
/// counts how much people changed the pre-labels (issue 15 item 1).
/// </summary>
[TestFixture]
public class PrelabelTests
{
    private static string Line(object item) => JsonSerializer.Serialize(item) + "\n";

    private static async Task<(JsonElement Claim, Guid Id)> ClaimAsync(Actor worker, Guid orderId)
    {
        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        return (claim, claim.GetProperty("assignmentId").GetGuid());
    }

    private static Task<HttpResponseMessage> SubmitAsync(Actor worker, Guid id, string answer) =>
        worker.PostAsync($"/api/tasks/assignments/{id}/submit", $"{{\"answer\": {answer}}}");

    [Test]
    public async Task Uploaded_predictions_reach_the_worker_the_answer_is_stored_and_the_order_counts_the_changes()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise, new { goldShare = 0.25m });
        var manifest = Line(new { id = "r1", content = Scenario.Reviews[0], predictions = new { label = "positive", modelVersion = "sentiment-v2", score = 0.87 } })
            + Line(new { id = "r2", content = Scenario.Reviews[1], predictions = "negative" })
            + Line(new { id = "r3", content = Scenario.Reviews[2] })
            // A gold item with a deliberately wrong pre-label: the worker sees the pre-label, never the gold answer.
            + Line(new { id = "g1", content = Scenario.Reviews[3], gold = "negative", predictions = new { label = "positive", modelVersion = "sentiment-v2", score = 0.99 } });
        var upload = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", manifest);
        Assert.That(upload.GetProperty("status").GetString(), Is.EqualTo("imported"), upload.ToString());
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 4, "three items and one gold slot are split");

        var answers = new Dictionary<string, string> { ["r1"] = "\"positive\"", ["r2"] = "\"positive\"", ["r3"] = "\"negative\"", ["g1"] = "\"negative\"" };
        var ids = new Dictionary<string, Guid>();
        for (var i = 0; i < 4; i++)
        {
            var (claim, id) = await ClaimAsync(worker, orderId);
            var item = claim.GetProperty("itemId").GetString()!;
            ids[item] = id;
            var prelabel = claim.GetProperty("prelabel");
            switch (item)
            {
                case "r1":
                    Assert.That(prelabel.GetProperty("label").GetString(), Is.EqualTo("positive"));
                    Assert.That(prelabel.GetProperty("modelVersion").GetString(), Is.EqualTo("sentiment-v2"));
                    Assert.That(prelabel.GetProperty("score").GetDecimal(), Is.EqualTo(0.87m));
                    break;
                case "r2": // a bare answer is the label of an unversioned, unscored pre-label
                    Assert.That(prelabel.GetProperty("label").GetString(), Is.EqualTo("negative"));
                    Assert.That(prelabel.GetProperty("modelVersion").ValueKind, Is.EqualTo(JsonValueKind.Null));
                    Assert.That(prelabel.GetProperty("score").ValueKind, Is.EqualTo(JsonValueKind.Null));
                    break;
                case "r3":
                    Assert.That(prelabel.ValueKind, Is.EqualTo(JsonValueKind.Null));
                    break;
                case "g1":
                    Assert.That(prelabel.GetProperty("label").GetString(), Is.EqualTo("positive"), "the gold item's own (wrong) pre-label");
                    Assert.That(claim.EnumerateObject().Select(p => p.Name), Has.None.Contains("gold").IgnoreCase,
                        "nothing in the claim gives the gold item or its answer away");
                    break;
            }
            // The worker reads the assignment back with its pre-label (a reload of the workbench does).
            var mine = await worker.GetAsync($"/api/tasks/assignments/{id}");
            Assert.That(mine.GetProperty("prelabel").GetRawText(), Is.EqualTo(prelabel.GetRawText()));
            Assert.That(mine.TryGetProperty("isGold", out _), Is.False);
            await Api.ReadAsync(await SubmitAsync(worker, id, answers[item]), HttpStatusCode.OK);
        }
        Assert.That(ids.Keys, Is.EquivalentTo(answers.Keys));

        // What the worker submitted is stored, beside the pre-label it started from.
        var flipped = await enterprise.GetAsync($"/api/tasks/assignments/{ids["r2"]}");
        Assert.That(flipped.GetProperty("answer").GetString(), Is.EqualTo("positive"));
        Assert.That(flipped.GetProperty("prelabel").GetProperty("label").GetString(), Is.EqualTo("negative"));

        var figures = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/prelabels");
        Assert.That(figures.GetProperty("taskType").GetString(), Is.EqualTo("text-classification"));
        Assert.That(figures.GetProperty("answersWithPrelabel").GetInt64(), Is.EqualTo(2), "r1 and r2; gold answers are left out");
        Assert.That(figures.GetProperty("acceptedUnchanged").GetInt64(), Is.EqualTo(1));
        Assert.That(figures.GetProperty("changed").GetInt64(), Is.EqualTo(1));
        Assert.That(figures.GetProperty("measures").GetProperty("labelsFlipped").GetInt64(), Is.EqualTo(1));
        Assert.That(figures.GetProperty("measures").GetProperty("meanIoU").ValueKind, Is.EqualTo(JsonValueKind.Null), "no boxes in a classification");
        var versions = figures.GetProperty("byModelVersion");
        Assert.That(versions.GetProperty("total").GetInt64(), Is.EqualTo(2));
        var byVersion = versions.GetProperty("items").EnumerateArray()
            .ToDictionary(v => v.GetProperty("modelVersion").GetString() ?? "(none)", v => (v.GetProperty("unchanged").GetInt64(), v.GetProperty("changed").GetInt64()));
        Assert.That(byVersion, Is.EquivalentTo(new Dictionary<string, (long, long)> { ["sentiment-v2"] = (1, 0), ["(none)"] = (0, 1) }));

        // Paged and bounded; another organisation's order is not found; a worker may not read it.
        var firstPage = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/prelabels?page=1&pageSize=1");
        Assert.That(firstPage.GetProperty("byModelVersion").GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        Assert.That(firstPage.GetProperty("byModelVersion").GetProperty("total").GetInt64(), Is.EqualTo(2));
        foreach (var (query, field) in new[] { ("page=0", "page"), ("pageSize=101", "pageSize"), ("page=10001", "page") })
        {
            var problem = await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/prelabels?{query}"), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        }
        var stranger = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await stranger.Http.GetAsync($"/api/tasks/orders/{orderId}/prelabels"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{Guid.NewGuid()}/prelabels"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await enterprise.Http.GetAsync("/api/tasks/orders/not-an-id/prelabels"), HttpStatusCode.NotFound);
        Assert.That((await worker.Http.GetAsync($"/api/tasks/orders/{orderId}/prelabels")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var op = await Api.OperatorAsync();
        Assert.That((await op.GetAsync($"/api/tasks/orders/{orderId}/prelabels")).GetProperty("answersWithPrelabel").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task Inline_boxes_carry_their_pre_label_and_a_moved_box_and_an_added_one_are_measured()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var model = new[] { new { label = "car", x = 0.1, y = 0.1, width = 0.4, height = 0.4 } };
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new
        {
            taskType = "bounding-boxes",
            labels = new[] { "car", "pedestrian" },
            items = new[] { new { id = "street-1", content = "https://datasets.example/street/1.jpg", predictions = (object)new { label = model, modelVersion = "yolo-8n", score = 0.6 } } },
        }, items: 1);

        var (claim, id) = await ClaimAsync(worker, orderId);
        Assert.That(claim.GetProperty("prelabel").GetProperty("label")[0].GetProperty("x").GetDouble(), Is.EqualTo(0.1));
        // The car moved right by 0.04 (IoU 0.144 / 0.176) and a pedestrian added: one pair, one added box.
        await Api.ReadAsync(await SubmitAsync(worker, id, """
            [{"label": "car", "x": 0.14, "y": 0.1, "width": 0.4, "height": 0.4}, {"label": "pedestrian", "x": 0.7, "y": 0.6, "width": 0.1, "height": 0.3}]
            """), HttpStatusCode.OK);

        var figures = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/prelabels");
        Assert.That(figures.GetProperty("changed").GetInt64(), Is.EqualTo(1));
        var measures = figures.GetProperty("measures");
        Assert.That(measures.GetProperty("meanIoU").GetDecimal(), Is.EqualTo(Math.Round((decimal)(0.144 / 0.176 / 2), 4)).Within(0.0001m));
        Assert.That(measures.GetProperty("boxesAdded").GetInt64(), Is.EqualTo(1));
        Assert.That(measures.GetProperty("boxesRemoved").GetInt64(), Is.Zero);
        Assert.That(measures.GetProperty("labelsFlipped").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(figures.GetProperty("byModelVersion").GetProperty("items")[0].GetProperty("modelVersion").GetString(), Is.EqualTo("yolo-8n"));
    }

    [Test]
    public async Task Predictions_of_the_wrong_shape_a_score_outside_0_to_1_or_an_overlong_model_version_are_refused_with_their_line()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise);
        var manifest = Line(new { id = "ok-1", content = Scenario.Reviews[0], predictions = new { label = "positive", modelVersion = "v1", score = 1 } })
            + Line(new { id = "bad-shape", content = Scenario.Reviews[1], predictions = new { label = new[] { "positive" }, score = 0.5 } })
            + Line(new { id = "bad-score", content = Scenario.Reviews[2], predictions = new { label = "negative", score = 1.5 } })
            + Line(new { id = "bad-version", content = Scenario.Reviews[3], predictions = new { label = "negative", modelVersion = new string('v', 101) } });

        var result = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", manifest);

        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        var errors = result.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("line").GetInt64(), e => e.GetProperty("error").GetString());
        Assert.That(errors.Keys, Is.EquivalentTo(new long[] { 2, 3, 4 }), string.Join("; ", errors));
        Assert.That(errors[2], Does.Contain("'predictions' does not fit the task template"));
        Assert.That(errors[3], Does.Contain("'predictions.score' must be a number from 0 to 1"));
        Assert.That(errors[4], Does.Contain("'predictions.modelVersion' is longer than 100 characters"));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("itemCount").GetInt32(), Is.Zero, "nothing was stored");

        // Inline items are checked the same way, naming the item's field.
        var body = Scenario.OrderBodyWith(new { items = new[] { new { id = "a", content = "fine", predictions = (object)new { label = "positive", score = 2 } } } }, items: 1);
        var problem = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("items[0].predictions")[0].GetString(), Does.Contain("'predictions.score'"), problem.ToString());
    }
}
