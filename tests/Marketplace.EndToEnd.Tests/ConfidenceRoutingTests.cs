using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Confidence-routed overlap (issue 15 items 3 and 5), driven by the scores of a manifest's predictions: an item the
/// model is sure of closes on one agreeing answer, an unsure or disputed one gets one more answer a round, unsure items
/// are claimed first, a worker who copies suggestions is caught by planted wrong ones on gold, and the order says
/// what it saved.
/// </summary>
[TestFixture]
public class ConfidenceRoutingTests
{
    private static object Suggested(string id, int review, string label, double score) =>
        new { id, content = Scenario.Reviews[review], predictions = new { label, modelVersion = "sentiment-v3", score } };

    /// <summary>Claims one slot of the order (null when none is left for the worker).</summary>
    private static async Task<JsonElement?> ClaimAsync(Actor worker, Guid orderId)
    {
        var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
        return response.StatusCode == HttpStatusCode.NoContent ? null : await Api.ReadAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The worker takes every slot left for them, in the order the claims hand them out, answers and the enterprise approves.</summary>
    private static async Task<List<(string Item, JsonElement Prelabel)>> WorkAsync(Actor worker, Actor enterprise, Guid orderId, Func<string, string> answer)
    {
        var taken = new List<(string, JsonElement)>();
        while (await ClaimAsync(worker, orderId) is { } claim)
        {
            var item = claim.GetProperty("itemId").GetString()!;
            var id = claim.GetProperty("assignmentId").GetGuid();
            taken.Add((item, claim.GetProperty("prelabel").Clone()));
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = answer(item) }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        }
        return taken;
    }

    private static Task WaitForSlotsAsync(Actor enterprise, Guid orderId, int slots) =>
        Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == slots, $"order {orderId} has {slots} slots");

    [Test]
    public async Task Two_answers_that_split_are_settled_by_a_confident_model_for_the_label_one_of_them_gave()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var crowd = new[] { await Api.SignUpAsync("worker"), await Api.SignUpAsync("worker") };
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new
        {
            confidenceBar = 0.9m,
            overlapCap = 3,
            items = new object[] { Suggested("tipped", 0, "negative", 0.99) },
        }, items: 1, unitPrice: 1.00m);

        // A lone answer against a sure model is asked again, never overruled.
        await WorkAsync(crowd[0], enterprise, orderId, _ => "positive");
        await WaitForSlotsAsync(enterprise, orderId, 2);
        // The second answer gives the model's label: one each way, the tie going to "positive" (first in the label set);
        // weighed with the model's 0.99 for "negative", "negative" passes the bar: settled at two answers, not three.
        await WorkAsync(crowd[1], enterprise, orderId, _ => "negative");
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var tipped = Delivery.LabelOf(await Delivery.LabelsAsync(enterprise, orderId), "tipped");
        Assert.That(tipped.GetProperty("label").GetString(), Is.EqualTo("negative"));
        Assert.That(tipped.GetProperty("method").GetString(), Is.EqualTo("model-witness"));
        Assert.That(tipped.GetProperty("answerCount").GetInt32(), Is.EqualTo(2));
        Assert.That(tipped.GetProperty("confidence").GetDecimal(), Is.InRange(0.98m, 0.995m));
    }

    [Test]
    public async Task With_a_model_backend_an_item_is_routed_as_soon_as_its_answers_are_in_and_its_next_slot_comes_before_other_items_first()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var crowd = new[] { await Api.SignUpAsync("worker"), await Api.SignUpAsync("worker") };
        await Scenario.DepositAsync(enterprise, 50.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { confidenceBar = 0.9m, overlapCap = 3 }, items: 4, unitPrice: 1.00m);
        // A model backend assists the order; its predictions fail (500), which changes nothing: items go by their answers.
        await using var backend = new ModelBackends.TestBackend(ModelBackends.TestBackend.Behaviour.ServerError);
        await Api.ReadAsync(await Api.Send(enterprise.Http, HttpMethod.Put, $"/api/tasks/orders/{orderId}/model-backend",
            new { url = backend.Url, secret = backend.Secret }), HttpStatusCode.OK);

        // One answer to one item; the other three have not been answered. The order is routed all the same: the lone
        // answer (no gold, no prediction) cannot settle its item, which gets a second slot now.
        var first = (await ClaimAsync(crowd[0], orderId))!.Value;
        var started = first.GetProperty("itemId").GetString()!;
        await Api.ReadAsync(await crowd[0].PostAsync($"/api/tasks/assignments/{first.GetProperty("assignmentId").GetGuid()}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{first.GetProperty("assignmentId").GetGuid()}/approve"), HttpStatusCode.OK);
        await WaitForSlotsAsync(enterprise, orderId, 5);

        // The next worker is handed that follow-up before the three first slots, older as they are.
        var next = (await ClaimAsync(crowd[1], orderId))!.Value;
        Assert.That(next.GetProperty("itemId").GetString(), Is.EqualTo(started), "a started item is finished first");
        await Api.ReadAsync(await crowd[1].PostAsync($"/api/tasks/assignments/{next.GetProperty("assignmentId").GetGuid()}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{next.GetProperty("assignmentId").GetGuid()}/approve"), HttpStatusCode.OK);

        // Two agreeing answers settle it while the other items still wait for their first: labelled, no third slot, the
        // order not done.
        await Api.EventuallyAsync(async () =>
        {
            var labels = await Delivery.LabelsAsync(enterprise, orderId);
            var item = labels.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("itemId").GetString() == started);
            return item.ValueKind == JsonValueKind.Object && item.GetProperty("answerCount").GetInt32() == 2;
        }, "the started item is labelled from its two answers");
        var settled = Delivery.LabelOf(await Delivery.LabelsAsync(enterprise, orderId), started);
        Assert.That(settled.GetProperty("confidence").GetDecimal(), Is.GreaterThanOrEqualTo(0.9m));
        await Task.Delay(TimeSpan.FromSeconds(3)); // passes run every second here: none may add a slot to a settled item
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(5));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("in_progress"));

        // The rest: each first answer gets its second slot as it comes in; two agreeing answers each, and the order is done.
        await WorkAsync(crowd[0], enterprise, orderId, _ => "negative");
        await WaitForSlotsAsync(enterprise, orderId, 8);
        await WorkAsync(crowd[1], enterprise, orderId, _ => "negative");
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var delivered = await Delivery.LabelsAsync(enterprise, orderId);
        Assert.That(delivered.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("answerCount").GetInt32()), Is.All.EqualTo(2));
        Assert.That(Delivery.LabelOf(delivered, started).GetProperty("label").GetString(), Is.EqualTo("positive"));
    }

    [Test]
    public async Task The_built_in_text_models_order_is_routed_once_every_slot_is_answered()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 50.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { confidenceBar = 0.9m, overlapCap = 3 }, items: 3, unitPrice: 1.00m);
        await Modeling.BuiltInModelTests.ChooseAsync(enterprise, orderId, "builtin");

        // It learns from unsettled answers too, so it is no independent witness to an item asked again at once: one
        // answer in, nothing routed while the other items' slots are open (passes would run every second here).
        var first = (await ClaimAsync(worker, orderId))!.Value;
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{first.GetProperty("assignmentId").GetGuid()}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{first.GetProperty("assignmentId").GetGuid()}/approve"), HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(3));
        // The rest answered: the round is routed, one more slot for each lone answer.
        await WorkAsync(worker, enterprise, orderId, _ => "positive");
        await WaitForSlotsAsync(enterprise, orderId, 6);
    }

    [Test]
    public async Task A_confident_item_closes_on_one_agreeing_answer_unsure_and_disputed_items_get_more_answers_and_are_claimed_first()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var crowd = new[] { await Api.SignUpAsync("worker"), await Api.SignUpAsync("worker"), await Api.SignUpAsync("worker") };
        await Scenario.DepositAsync(enterprise, 50.00m);
        // The bar is 0.9 and the cap 3; the initial split gives each item one slot (overlap 1).
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new
        {
            confidenceBar = 0.9m,
            overlapCap = 3,
            items = new object[]
            {
                Suggested("sure", 0, "positive", 0.97), Suggested("disputed", 1, "positive", 0.95), Suggested("unsure", 2, "negative", 0.40),
                new { id = "plain", content = Scenario.Reviews[3] },
            },
        }, items: 4, unitPrice: 1.00m);

        // Round 1: the item without a score first (the model knows nothing of it), then the unsure one, then the sure ones.
        // The first worker agrees with the model on "sure", disagrees on "disputed" and "unsure".
        var first = await WorkAsync(crowd[0], enterprise, orderId, item => item == "disputed" ? "negative" : "positive");
        Assert.That(first.Select(c => c.Item).Take(2), Is.EqualTo(new[] { "plain", "unsure" }), "unsure items are claimed first");
        Assert.That(first.Select(c => c.Item).Skip(2), Is.EquivalentTo(new[] { "sure", "disputed" }));

        // sure: one agreeing answer closes it. disputed (the answer disagrees with a sure model), unsure and plain (no
        // model): one more slot each, as dynamic overlap always did. 4 + 3 = 7.
        await WaitForSlotsAsync(enterprise, orderId, 7);
        var round1 = await Delivery.LabelsAsync(enterprise, orderId);
        var sure = Delivery.LabelOf(round1, "sure");
        Assert.That(sure.GetProperty("answerCount").GetInt32(), Is.EqualTo(1));
        Assert.That(sure.GetProperty("confidence").GetDecimal(), Is.EqualTo(0.97m),
            "a worker of unknown skill adds nothing to the model's score: the stored confidence is the model's");
        Assert.That(Delivery.LabelOf(round1, "unsure").GetProperty("confidence").ValueKind, Is.EqualTo(JsonValueKind.Null));

        // Round 2: the new slots carry the item's suggestion and come unsure first.
        var second = await WorkAsync(crowd[1], enterprise, orderId, item => item == "plain" ? "positive" : "negative");
        Assert.That(second.Select(c => c.Item), Is.EqualTo(new[] { "plain", "unsure", "disputed" }));
        Assert.That(second.Single(c => c.Item == "unsure").Prelabel.GetProperty("score").GetDecimal(), Is.EqualTo(0.40m), "added slots carry the pre-label");
        Assert.That(second.Single(c => c.Item == "disputed").Prelabel.GetProperty("label").GetString(), Is.EqualTo("positive"));
        Assert.That(second.Single(c => c.Item == "plain").Prelabel.ValueKind, Is.EqualTo(JsonValueKind.Null));
        // disputed: two people agree against the model and settle it; plain: two agree; unsure: one each way, so one more.
        await WaitForSlotsAsync(enterprise, orderId, 8);
        var third = await WorkAsync(crowd[2], enterprise, orderId, _ => "negative");
        Assert.That(third.Select(c => c.Item), Is.EqualTo(new[] { "unsure" }));
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        var labels = await Delivery.LabelsAsync(enterprise, orderId);
        Assert.That(Delivery.LabelOf(labels, "disputed").GetProperty("answerCount").GetInt32(), Is.EqualTo(2));
        Assert.That(Delivery.LabelOf(labels, "disputed").GetProperty("label").GetString(), Is.EqualTo("negative"), "people outvoted the model");
        Assert.That(Delivery.LabelOf(labels, "unsure").GetProperty("answerCount").GetInt32(), Is.EqualTo(3));
        Assert.That(Delivery.LabelOf(labels, "unsure").GetProperty("confidence").GetDecimal(), Is.EqualTo(0.66667m));
        Assert.That(Delivery.LabelOf(labels, "plain").GetProperty("answerCount").GetInt32(), Is.EqualTo(2));
        Assert.That(labels.GetProperty("dynamicSlots").GetInt32(), Is.EqualTo(4));

        // What it saved, from this test's own inputs: answers 1 + 2 + 3 + 2 = 8; a fixed overlap of 3 needs 12; each answer
        // costs the unit price (worker reward + platform fee) of 1.00.
        var savings = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model-savings");
        Assert.That(savings.GetProperty("items").GetInt64(), Is.EqualTo(4));
        Assert.That(savings.GetProperty("itemsWithSuggestion").GetInt64(), Is.EqualTo(3));
        Assert.That(savings.GetProperty("itemsSettled").GetInt64(), Is.EqualTo(4));
        Assert.That(savings.GetProperty("humanAnswers").GetInt64(), Is.EqualTo(8));
        Assert.That(savings.GetProperty("answersPerItem").GetDecimal(), Is.EqualTo(2.00m));
        Assert.That(savings.GetProperty("overlapCap").GetInt32(), Is.EqualTo(3));
        Assert.That(savings.GetProperty("answersAtCap").GetInt64(), Is.EqualTo(12));
        Assert.That(savings.GetProperty("answersSaved").GetInt64(), Is.EqualTo(4));
        Assert.That(savings.GetProperty("costPerAnswer").GetDecimal(), Is.EqualTo(1.00m));
        Assert.That(savings.GetProperty("costSaved").GetDecimal(), Is.EqualTo(4.00m));
        Assert.That(savings.GetProperty("currency").GetString(), Is.EqualTo("CNY"));
        Assert.That(savings.GetProperty("closedByModel").GetInt64(), Is.EqualTo(1));
        // Suggested answers: sure 1 (kept), disputed 2 (both changed), unsure 3 (the first changed, two kept) = 6, 3 overrode.
        Assert.That(savings.GetProperty("answersWithSuggestion").GetInt64(), Is.EqualTo(6));
        Assert.That(savings.GetProperty("overridden").GetInt64(), Is.EqualTo(3));
        Assert.That(savings.GetProperty("overrideRate").GetDecimal(), Is.EqualTo(Math.Round(3m / 6, 4)));
        Assert.That(savings.GetProperty("deliveredConfidence").GetDecimal(), Is.EqualTo(Math.Round((0.97m + 1m + 0.66667m + 1m) / 4, 5)));
        var days = savings.GetProperty("byDay");
        Assert.That(days.GetProperty("total").GetInt64(), Is.GreaterThanOrEqualTo(1));
        var last = days.GetProperty("items").EnumerateArray().Last();
        Assert.That(last.GetProperty("cumulativeAnswers").GetInt64(), Is.EqualTo(8));
        Assert.That(last.GetProperty("answersPerItem").GetDecimal(), Is.EqualTo(2.00m));
    }

    [Test]
    public async Task A_worker_who_copies_suggestions_is_caught_by_gold_with_planted_wrong_ones()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var copier = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 50.00m);
        // 9 regular items the model calls positive, 9 gold items (all positive) without predictions; a gold share of 50%
        // gives one gold slot per gold item, and a third of them (three) carry a planted wrong suggestion.
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new
        {
            goldShare = 0.5m,
            // At 70% no gold record with two wrong answers is judged below (1 of 3 is not; at 80% it is), so the suspension
            // comes with the third planted check whatever order the gold slots are claimed in.
            requiredAccuracy = 0.7m,
            items = Enumerable.Range(0, 9).Select(i => Suggested($"review-{i + 1}", i % Scenario.Reviews.Length, "positive", 0.8))
                .Concat(Enumerable.Range(0, 9).Select(i => (object)new { id = $"check-{i + 1}", content = $"Five stars, works perfectly ({i + 1}).", gold = "positive" }))
                .ToArray(),
        }, items: 18, unitPrice: 1.00m);

        var copied = new List<JsonElement>();
        HttpResponseMessage response;
        while ((response = await copier.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode == HttpStatusCode.OK)
        {
            var claim = await Api.ReadAsync(response, HttpStatusCode.OK);
            copied.Add(claim);
            var prelabel = claim.GetProperty("prelabel");
            Assert.That(prelabel.ValueKind, Is.EqualTo(JsonValueKind.Object), "gold carries a suggestion like every other item");
            Assert.That(prelabel.GetProperty("modelVersion").GetString(), Is.EqualTo("sentiment-v3"));
            Assert.That(prelabel.GetProperty("score").GetDecimal(), Is.EqualTo(0.8m));
            await Api.ReadAsync(await copier.PostAsync($"/api/tasks/assignments/{claim.GetProperty("assignmentId").GetGuid()}/submit",
                new { answer = prelabel.GetProperty("label").GetString() }), HttpStatusCode.OK);
        }
        Assert.That(copied.Select(c => c.GetProperty("prelabel").GetProperty("label").GetString()).Count(l => l == "negative"), Is.EqualTo(3),
            "the copier meets the three planted wrong suggestions, the last of which brings the suspension");
        Assert.That(copied.Select(c => string.Join(",", c.EnumerateObject().Select(p => p.Name))).Distinct().Count(), Is.EqualTo(1),
            "gold and regular claims look the same");

        // Judged on the checks that carried a suggestion: 0 of 3 right, below 70% beyond chance; named even when the whole
        // gold record (1 of 4, if one right check came first) is below as well.
        var refused = await Api.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("carried a suggestion are 0 of 3 right").And.Contain("check each suggestion"));
        var quality = (await copier.GetAsync("/api/tasks/quality/mine")).EnumerateArray().Single(q => q.GetProperty("orderId").GetGuid() == orderId);
        var gold = quality.GetProperty("goldAnswered").GetInt32();
        Assert.That(gold, Is.InRange(3, 9));
        Assert.That(quality.GetProperty("goldCorrect").GetInt32(), Is.EqualTo(gold - 3));
        Assert.That(quality.GetProperty("copiedSuggestions").GetInt32(), Is.EqualTo(3));
        Assert.That(quality.GetProperty("suspendedUntil").ValueKind, Is.Not.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Model_savings_refuse_bad_paging_and_are_not_found_for_another_organisation()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { items = new[] { Suggested("r1", 0, "positive", 0.9) } }, items: 1);

        var fresh = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/model-savings");
        Assert.That(fresh.GetProperty("humanAnswers").GetInt64(), Is.Zero);
        Assert.That(fresh.GetProperty("itemsSettled").GetInt64(), Is.Zero, "nothing is settled before its answers");
        Assert.That(fresh.GetProperty("answersSaved").GetInt64(), Is.Zero);
        Assert.That(fresh.GetProperty("overrideRate").ValueKind, Is.EqualTo(JsonValueKind.Null));
        foreach (var (query, field) in new[] { ("page=0", "page"), ("pageSize=101", "pageSize"), ("page=10001", "page"), ("pageSize=0", "pageSize") })
        {
            var problem = await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/model-savings?{query}"), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        }
        var stranger = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await stranger.Http.GetAsync($"/api/tasks/orders/{orderId}/model-savings"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{Guid.NewGuid()}/model-savings"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await enterprise.Http.GetAsync("/api/tasks/orders/not-an-id/model-savings"), HttpStatusCode.NotFound);
        Assert.That((await worker.Http.GetAsync($"/api/tasks/orders/{orderId}/model-savings")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var op = await Api.OperatorAsync();
        Assert.That((await op.GetAsync($"/api/tasks/orders/{orderId}/model-savings")).GetProperty("items").GetInt64(), Is.EqualTo(1));
    }
}
