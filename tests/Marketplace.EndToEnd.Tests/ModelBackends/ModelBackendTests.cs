using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests.ModelBackends;

/// <summary>
/// An order's external model backend, in Label Studio's ML backend shapes (issue 15 item 4): registered and checked,
/// its predictions reach open slots, accepted labels reach its /webhook, its failures change nothing, and the
/// predictions it pushes are let in only with the order's signature.
/// </summary>
[TestFixture]
public class ModelBackendTests
{
    private static readonly object[] GoldCheck = [new { id = "check-1", content = "Absolutely love it, works perfectly.", gold = "positive" }];

    /// <summary>Two reviews and one gold item at a 50% share: four slots.</summary>
    private static async Task<(Actor Enterprise, Guid OrderId)> OrderAsync()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new
        {
            goldShare = 0.5m,
            items = new object[] { new { id = "review-1", content = Scenario.Reviews[0] }, new { id = "review-2", content = Scenario.Reviews[1] } }
                .Concat(GoldCheck).ToArray(),
        }, items: 4, unitPrice: 0.50m);
        return (enterprise, orderId);
    }

    private static Task<HttpResponseMessage> RegisterAsync(Actor enterprise, Guid orderId, string url, string secret) =>
        Api.Send(enterprise.Http, HttpMethod.Put, $"/api/tasks/orders/{orderId}/model-backend", new { url, secret });

    private static Task<JsonElement> BackendAsync(Actor enterprise, Guid orderId) => enterprise.GetAsync($"/api/tasks/orders/{orderId}/model-backend");

    /// <summary>Every slot of the order, claimed by two workers (one worker answers an item once; the gold item has two slots).</summary>
    private static async Task<List<(Actor Worker, JsonElement Claim)>> ClaimEverySlotAsync(Actor worker, Guid orderId)
    {
        var second = await Api.SignUpAsync("worker");
        var claims = (await ClaimAllAsync(worker, orderId)).Select(c => (worker, c)).ToList();
        claims.AddRange((await ClaimAllAsync(second, orderId)).Select(c => (second, c)));
        return claims;
    }

    private static async Task<List<JsonElement>> ClaimAllAsync(Actor worker, Guid orderId)
    {
        var claims = new List<JsonElement>();
        while (true)
        {
            var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
            if (response.StatusCode == HttpStatusCode.NoContent) return claims;
            claims.Add(await Api.ReadAsync(response, HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task A_registered_backend_pre_labels_open_slots_with_its_model_version_and_accepted_labels_reach_its_webhook()
    {
        await using var backend = new TestBackend(labelFor: task => task["data"]!["item_id"]!.GetValue<string>() == "review-2" ? "negative" : "positive");
        var (enterprise, orderId) = await OrderAsync();
        var worker = await Api.SignUpAsync("worker");

        var response = await RegisterAsync(enterprise, orderId, backend.Url, backend.Secret);
        var text = await response.Content.ReadAsStringAsync();
        var registered = await Api.ReadAsync(response, HttpStatusCode.OK);
        Assert.That(registered.GetProperty("url").GetString(), Is.EqualTo(backend.Url));
        Assert.That(registered.GetProperty("modelVersion").GetString(), Is.EqualTo("ls-test-1"), "the version /setup answered");
        Assert.That(registered.GetProperty("state").GetString(), Is.EqualTo("ready"));
        Assert.That(text, Does.Not.Contain(backend.Secret), "the secret is never shown");
        var setup = backend.Calls.Single(c => c.Path == "/setup").Body!;
        Assert.That(setup["schema"]!.GetValue<string>(), Does.Contain("<Choices name=\"label\" toName=\"text\"").And.Contain("<Choice value=\"negative\"/>"));
        Assert.That(backend.Calls.Select(c => c.Path).Take(2), Is.EqualTo(new[] { "/health", "/setup" }));

        await Api.EventuallyAsync(async () => (await BackendAsync(enterprise, orderId)).GetProperty("predictionsSaved").GetInt64() == 3,
            "the backend predicts the two reviews and the gold item");
        var predict = backend.Calls.First(c => c.Path == "/predict").Body!;
        var task = predict["tasks"]!.AsArray().First(t => t!["id"]!.GetValue<string>() == "review-1")!;
        Assert.That(task["data"]!["text"]!.GetValue<string>(), Is.EqualTo(Scenario.Reviews[0]), "Label Studio's task shape: the item under data");
        Assert.That(predict["label_config"]!.GetValue<string>(), Does.StartWith("<View>"));

        var claims = await ClaimEverySlotAsync(worker, orderId);
        Assert.That(claims, Has.Count.EqualTo(4));
        foreach (var (_, claim) in claims)
        {
            var prelabel = claim.GetProperty("prelabel");
            var item = claim.GetProperty("itemId").GetString();
            // One of the gold item's two slots carries a planted wrong suggestion (its answer is positive), with a regular
            // item's version and score; the other the backend's own.
            if (item != "check-1")
                Assert.That(prelabel.GetProperty("label").GetString(), Is.EqualTo(item == "review-2" ? "negative" : "positive"), item);
            Assert.That(prelabel.GetProperty("modelVersion").GetString(), Is.EqualTo("ls-test-1"));
            Assert.That(prelabel.GetProperty("score").GetDecimal(), Is.EqualTo(0.91m));
        }

        Assert.That(claims.Where(c => c.Item2.GetProperty("itemId").GetString() == "check-1")
            .Select(c => c.Item2.GetProperty("prelabel").GetProperty("label").GetString()), Is.EquivalentTo(new[] { "negative", "positive" }));

        // The gold item's known answer is an accepted label at once: the backend learns it as Label Studio's event.
        await Api.EventuallyAsync(() => Task.FromResult(backend.Webhooks.Any()), "the gold answer reaches /webhook");
        var gold = backend.Webhooks.First();
        Assert.That(gold["action"]!.GetValue<string>(), Is.EqualTo("ANNOTATION_CREATED"));
        Assert.That(gold["task"]!["id"]!.GetValue<string>(), Is.EqualTo("check-1"));
        Assert.That(gold["annotation"]!["result"]![0]!["value"]!["choices"]![0]!.GetValue<string>(), Is.EqualTo("positive"));

        // Once the order's labels are aggregated, they follow, each once.
        foreach (var (holder, claim) in claims)
        {
            var id = claim.GetProperty("assignmentId").GetGuid();
            var answer = claim.GetProperty("itemId").GetString() == "review-2" ? "\"negative\"" : "\"positive\"";
            await Api.ReadAsync(await holder.PostAsync($"/api/tasks/assignments/{id}/submit", $"{{\"answer\": {answer}}}"), HttpStatusCode.OK);
        }
        foreach (var (_, claim) in claims)
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{claim.GetProperty("assignmentId").GetGuid()}/approve"), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await BackendAsync(enterprise, orderId)).GetProperty("labelsSent").GetInt64() == 3,
            "the two aggregated labels reach /webhook too", TimeSpan.FromSeconds(60));
        var events = backend.Webhooks.Select(w => (Task: w["task"]!["id"]!.GetValue<string>(), Label: w["annotation"]!["result"]![0]!["value"]!["choices"]![0]!.GetValue<string>())).ToList();
        Assert.That(events, Is.EquivalentTo(new[] { ("check-1", "positive"), ("review-1", "positive"), ("review-2", "negative") }));
        Assert.That(backend.BadSignatures, Is.Zero, "every call the platform made was signed with the order's secret");
    }

    [Test]
    public async Task A_backend_that_times_out_answers_500_garbage_or_labels_the_order_lacks_changes_nothing_and_the_work_goes_on()
    {
        var cases = new[]
        {
            (Mode: TestBackend.Behaviour.Slow, Error: "longer than", Code: "timeout", Figure: "seconds"),
            (Mode: TestBackend.Behaviour.ServerError, Error: "answered 500", Code: "status", Figure: "status"),
            (Mode: TestBackend.Behaviour.Garbage, Error: "not JSON", Code: "not_json", Figure: (string?)null),
            (Mode: TestBackend.Behaviour.UnknownLabel, Error: "must be one of the order's labels", Code: "predictions_refused", Figure: "detail"),
        };
        await Task.WhenAll(cases.Select(async c =>
        {
            await using var backend = new TestBackend(c.Mode);
            var (enterprise, orderId) = await OrderAsync();
            var worker = await Api.SignUpAsync("worker");
            await Api.ReadAsync(await RegisterAsync(enterprise, orderId, backend.Url, backend.Secret), HttpStatusCode.OK);

            JsonElement view = default;
            await Api.EventuallyAsync(async () => (view = await BackendAsync(enterprise, orderId)).GetProperty("failures").GetInt64() >= 1,
                $"the {c.Mode} backend's failure is recorded");
            // A backend that answers every call badly stays failing. One that only names labels the order lacks answers its
            // next round's /webhook (the gold label) well, which may already have made it ready again by now.
            if (c.Mode == TestBackend.Behaviour.UnknownLabel)
                Assert.That((view.GetProperty("state").GetString(), view.GetProperty("lastCall").GetString()),
                    Is.EqualTo(("failing", "predict")).Or.EqualTo(("ready", "webhook")), c.Mode.ToString());
            else
            {
                Assert.That(view.GetProperty("state").GetString(), Is.EqualTo("failing"), c.Mode.ToString());
                Assert.That(view.GetProperty("lastCall").GetString(), Is.EqualTo("predict"));
            }
            Assert.That(view.GetProperty("predictionsSaved").GetInt64(), Is.Zero);
            var failure = view.GetProperty("recentFailures")[0];
            Assert.That(failure.GetProperty("call").GetString(), Is.EqualTo("predict"));
            Assert.That(failure.GetProperty("error").GetString(), Does.Contain(c.Error), c.Mode.ToString());
            // The same failure as a code and its figures, for the portal to word in Chinese.
            Assert.That(failure.GetProperty("code").GetString(), Is.EqualTo(c.Code), c.Mode.ToString());
            var figures = failure.GetProperty("params");
            Assert.That(figures.ValueKind, Is.EqualTo(JsonValueKind.Object), c.Mode.ToString());
            if (c.Mode == TestBackend.Behaviour.ServerError) Assert.That(figures.GetProperty("status").GetInt32(), Is.EqualTo(500));
            if (c.Mode == TestBackend.Behaviour.UnknownLabel)
            {
                Assert.That(figures.GetProperty("detail").GetString(), Does.Contain("must be one of the order's labels"));
                Assert.That(figures.GetProperty("refused").GetInt32(), Is.GreaterThanOrEqualTo(1));
                Assert.That(figures.GetProperty("refused").GetInt32(), Is.LessThanOrEqualTo(figures.GetProperty("tasks").GetInt32()));
            }
            if (c.Figure is { } figure) Assert.That(figures.TryGetProperty(figure, out _), Is.True, figures.ToString());
            if (view.GetProperty("state").GetString() == "failing")
                Assert.That(DateTime.Parse(view.GetProperty("nextCallAt").GetString()!).ToUniversalTime(), Is.GreaterThan(DateTime.UtcNow.AddSeconds(-2)),
                    "the next call waits (backoff)");

            // Claims and submits go on, with no pre-label from the failing model.
            var claims = await ClaimEverySlotAsync(worker, orderId);
            Assert.That(claims, Has.Count.EqualTo(4), c.Mode.ToString());
            Assert.That(claims.Select(x => x.Claim.GetProperty("prelabel").ValueKind), Has.All.EqualTo(JsonValueKind.Null), c.Mode.ToString());
            foreach (var (holder, claim) in claims)
                await Api.ReadAsync(await holder.PostAsync($"/api/tasks/assignments/{claim.GetProperty("assignmentId").GetGuid()}/submit",
                    "{\"answer\": \"positive\"}"), HttpStatusCode.OK);
            Assert.That(backend.BadSignatures, Is.Zero);
        }));
    }

    [Test]
    public async Task The_push_endpoint_refuses_a_wrong_signature_and_a_stale_timestamp_and_accepts_a_right_one()
    {
        // /predict fails, so whatever reaches the slots came by the push.
        await using var backend = new TestBackend(TestBackend.Behaviour.ServerError);
        var (enterprise, orderId) = await OrderAsync();
        var worker = await Api.SignUpAsync("worker");
        await Api.ReadAsync(await RegisterAsync(enterprise, orderId, backend.Url, backend.Secret), HttpStatusCode.OK);
        var path = $"/api/tasks/model-backends/{orderId}/predictions";
        var body = new JsonObject
        {
            ["model_version"] = "pushed-v2",
            ["results"] = new JsonArray(
                new JsonObject
                {
                    ["task"] = "review-1", ["score"] = 1.7,
                    ["result"] = new JsonArray(new JsonObject { ["type"] = "choices", ["value"] = new JsonObject { ["choices"] = new JsonArray("negative") } }),
                },
                new JsonObject
                {
                    ["task"] = "no-such-item",
                    ["result"] = new JsonArray(new JsonObject { ["type"] = "choices", ["value"] = new JsonObject { ["choices"] = new JsonArray("negative") } }),
                }),
        }.ToJsonString();
        using var anonymous = Api.Anonymous();

        var wrong = await anonymous.SendAsync(backend.SignedPush(path, body, secret: "not-the-orders-secret-at-all"));
        Assert.That((await Api.ReadAsync(wrong, HttpStatusCode.Unauthorized)).GetProperty("code").GetString(), Is.EqualTo("model_backend.signature"));
        var stale = await anonymous.SendAsync(backend.SignedPush(path, body, at: DateTimeOffset.UtcNow.AddMinutes(-6)));
        Assert.That((await Api.ReadAsync(stale, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), Does.Contain("5 minutes"));
        var unsigned = await anonymous.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await Api.ReadAsync(unsigned, HttpStatusCode.Unauthorized);
        var otherOrder = await anonymous.SendAsync(backend.SignedPush($"/api/tasks/model-backends/{Guid.NewGuid()}/predictions", body));
        await Api.ReadAsync(otherOrder, HttpStatusCode.Unauthorized);
        Assert.That((await BackendAsync(enterprise, orderId)).GetProperty("predictionsSaved").GetInt64(), Is.Zero, "nothing changed");

        var malformed = await anonymous.SendAsync(backend.SignedPush(path, "{\"results\": 5"));
        Assert.That((await Api.ReadAsync(malformed, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("body", out _), Is.True);

        var accepted = await Api.ReadAsync(await anonymous.SendAsync(backend.SignedPush(path, body)), HttpStatusCode.OK);
        Assert.That(accepted.GetProperty("saved").GetInt32(), Is.EqualTo(1));
        Assert.That(accepted.GetProperty("refused")[0].GetProperty("task").GetString(), Is.EqualTo("no-such-item"));
        var claims = await ClaimAllAsync(worker, orderId);
        var pushed = claims.Single(c => c.GetProperty("itemId").GetString() == "review-1").GetProperty("prelabel");
        Assert.That(pushed.GetProperty("label").GetString(), Is.EqualTo("negative"));
        Assert.That(pushed.GetProperty("modelVersion").GetString(), Is.EqualTo("pushed-v2"));
        Assert.That(pushed.GetProperty("score").GetDecimal(), Is.EqualTo(1m), "a score above 1 is clamped");
    }

    [Test]
    public async Task Bad_input_on_the_model_backend_endpoints_is_refused_naming_the_problem()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1);
        const string secret = "a-long-enough-secret";
        foreach (var (url, why) in new[]
        {
            ("http://models.example.com", "https"),
            ("ftp://models.example.com", "https"),
            ("https://10.1.2.3/predict-server", "private network"),
            ("https://192.168.0.7", "private network"),
            ("https://169.254.169.254", "link-local"),
            ("https://user:pw@models.example.com", "user name"),
            ("https://models.example.com/?token=1", "query"),
            ("https://" + new string('a', 500) + ".com", "500"),
        })
        {
            var problem = await Api.ReadAsync(await RegisterAsync(enterprise, orderId, url, secret), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").GetProperty("url")[0].GetString(), Does.Contain(why), url);
        }
        var shortSecret = await Api.ReadAsync(await RegisterAsync(enterprise, orderId, "https://models.example.com", "short"), HttpStatusCode.BadRequest);
        Assert.That(shortSecret.GetProperty("errors").TryGetProperty("secret", out _), Is.True, shortSecret.ToString());
        var malformed = await Api.Send(enterprise.Http, HttpMethod.Put, $"/api/tasks/orders/{orderId}/model-backend", "{\"url\": ");
        await Api.ReadAsync(malformed, HttpStatusCode.BadRequest);

        // A backend that is not up fails its checks and is not kept.
        await using (var down = new TestBackend(TestBackend.Behaviour.HealthDown))
        {
            var refused = await Api.ReadAsync(await RegisterAsync(enterprise, orderId, down.Url, down.Secret), (HttpStatusCode)422);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("model_backend.check_failed"));
            Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("health answered 503"));
            var failed = refused.GetProperty("failure");
            Assert.That((failed.GetProperty("call").GetString(), failed.GetProperty("code").GetString(), failed.GetProperty("params").GetProperty("status").GetInt32()),
                Is.EqualTo(("health", "status", 503)));
        }
        await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/model-backend"), HttpStatusCode.NotFound);

        // Another organisation's order is not found; a worker may not register one.
        await using var backend = new TestBackend();
        var stranger = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await RegisterAsync(stranger, orderId, backend.Url, backend.Secret), HttpStatusCode.NotFound);
        await Api.ReadAsync(await stranger.Http.GetAsync($"/api/tasks/orders/{orderId}/model-backend"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await stranger.Http.DeleteAsync($"/api/tasks/orders/{orderId}/model-backend"), HttpStatusCode.NotFound);
        var worker = await Api.SignUpAsync("worker", verified: false);
        Assert.That((await RegisterAsync(worker, orderId, backend.Url, backend.Secret)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(backend.Calls, Is.Empty, "nothing was called for a refused registration");

        // Registered, then turned off.
        await Api.ReadAsync(await RegisterAsync(enterprise, orderId, backend.Url, backend.Secret), HttpStatusCode.OK);
        Assert.That((await enterprise.Http.DeleteAsync($"/api/tasks/orders/{orderId}/model-backend")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/model-backend"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await enterprise.Http.DeleteAsync($"/api/tasks/orders/{orderId}/model-backend"), HttpStatusCode.NotFound);
    }
}
