using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Who may claim: qualifications earned by exams (training with feedback, then a scored test), clearance for the data
/// grade (identity, confidentiality agreement, vetting), and the audit of every view of an item's content.
/// </summary>
[TestFixture]
public class QualificationTests
{
    private Actor _operator = null!, _enterprise = null!, _otherEnterprise = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _operator = await Api.OperatorAsync();
        _enterprise = await Api.SignUpAsync("enterprise");
        _otherEnterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(_enterprise, 50.00m);
    }

    private static object Exam(string qualification, int cooldownSeconds = 86_400, int timeLimitSeconds = 600) => new
    {
        qualification,
        name = $"{qualification} exam",
        instructions = "Choose the sentiment the reviewer expresses.",
        taskType = "text-classification",
        industry = "culture-media",
        labels = new[] { "positive", "negative" },
        passMark = 0.6m,
        timeLimitSeconds,
        retakeCooldownSeconds = cooldownSeconds,
        trainingItems = new[]
        {
            new { id = "t1", content = "Love it, works perfectly.", knownAnswer = (object)"positive", explanation = "Praise without a complaint is positive." },
            new { id = "t2", content = "Broke on day two.", knownAnswer = (object)"negative", explanation = "A failure of the product is negative." },
        },
        testItems = new[]
        {
            new { id = "q1", content = "Great value for the money.", knownAnswer = (object)"positive" },
            new { id = "q2", content = "Arrived damaged and late.", knownAnswer = (object)"negative" },
            new { id = "q3", content = "Would buy again.", knownAnswer = (object)"positive" },
        },
    };

    private async Task<Guid> CreateExamAsync(string qualification, int cooldownSeconds = 86_400, int timeLimitSeconds = 600)
    {
        var exam = await Api.ReadAsync(await _operator.PostAsync("/api/tasks/exams", Exam(qualification, cooldownSeconds, timeLimitSeconds)),
            HttpStatusCode.Created);
        Assert.That(exam.GetProperty("testItems")[0].GetProperty("knownAnswer").GetString(), Is.EqualTo("positive"), "operators see known answers");
        return exam.GetProperty("id").GetGuid();
    }

    private static async Task<Guid> TrainAsync(Actor worker, Guid examId)
    {
        var attempt = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{examId}/attempts"), HttpStatusCode.Created);
        var id = attempt.GetProperty("id").GetGuid();
        foreach (var (item, answer) in new[] { ("t1", "positive"), ("t2", "negative") })
        {
            var feedback = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/training/{item}", new { answer }), HttpStatusCode.OK);
            Assert.That(feedback.GetProperty("correct").GetBoolean(), Is.True);
        }
        Assert.That((await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test"), HttpStatusCode.OK))
            .GetProperty("status").GetString(), Is.EqualTo("testing"));
        return id;
    }

    private static async Task<HttpResponseMessage> ClaimAsync(Actor worker, Guid orderId) =>
        await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");

    [Test]
    public async Task An_unqualified_worker_gets_no_work_then_passes_the_exam_and_claims()
    {
        var qualification = $"sentiment-{Guid.NewGuid():N}"[..24];
        var examId = await CreateExamAsync(qualification);
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { requiredQualifications = new[] { qualification } }, items: 2);
        var worker = await Api.SignUpAsync("worker");

        var refused = await Api.ReadAsync(await ClaimAsync(worker, orderId), HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("missingQualifications")[0].GetString(), Is.EqualTo(qualification));
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain(qualification));

        // The worker sees the exam, but no known answer anywhere.
        var seen = await worker.Http.GetStringAsync($"/api/tasks/exams/{examId}");
        Assert.That(seen, Does.Not.Contain("knownAnswer").And.Not.Contain("Praise without"));
        var attempt = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{examId}/attempts"), HttpStatusCode.Created);
        var id = attempt.GetProperty("id").GetGuid();
        Assert.That(attempt.GetProperty("status").GetString(), Is.EqualTo("training"));
        Assert.That(attempt.GetProperty("trainingItems").GetArrayLength(), Is.EqualTo(2));
        Assert.That(attempt.GetProperty("testItems").GetArrayLength(), Is.Zero, "test items stay hidden until the test starts");
        var again = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{examId}/attempts"), HttpStatusCode.Conflict);
        Assert.That(again.GetProperty("currentState").GetString(), Is.EqualTo("training"));

        // Training: feedback at once, with the explanation; a wrong answer may be tried again.
        var early = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test"), HttpStatusCode.Conflict);
        Assert.That(early.GetProperty("currentState").GetString(), Is.EqualTo("training"));
        var wrong = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/training/t1", new { answer = "negative" }), HttpStatusCode.OK);
        Assert.That(wrong.GetProperty("correct").GetBoolean(), Is.False);
        Assert.That(wrong.GetProperty("explanation").GetString(), Is.EqualTo("Praise without a complaint is positive."));
        var right = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/training/t1", new { answer = "positive" }), HttpStatusCode.OK);
        Assert.That(right.GetProperty("correct").GetBoolean(), Is.True);
        Assert.That((await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q1", new { answer = "positive" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Conflict), "no test answers during training");
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/training/t2", new { answer = "negative" }), HttpStatusCode.OK);

        // The test: no feedback, each item once, scored after the last answer.
        var testing = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test"), HttpStatusCode.OK);
        Assert.That(testing.GetProperty("testItems").GetArrayLength(), Is.EqualTo(3));
        Assert.That(testing.GetProperty("testDeadline").GetDateTime(), Is.GreaterThan(DateTime.UtcNow));
        var receipt = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q1", new { answer = "positive" }), HttpStatusCode.OK);
        Assert.That(receipt.TryGetProperty("correct", out _), Is.False, "no feedback during the test");
        var twice = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q1", new { answer = "negative" }), HttpStatusCode.Conflict);
        Assert.That(twice.GetProperty("currentState").GetString(), Is.EqualTo("answered"));
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q2", new { answer = "positive" }), HttpStatusCode.OK);
        var last = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q3", new { answer = "positive" }), HttpStatusCode.OK);
        Assert.That(last.GetProperty("attemptStatus").GetString(), Is.EqualTo("passed"), "2 of 3 right is above the 0.6 pass mark");
        var done = await worker.GetAsync($"/api/tasks/exam-attempts/{id}");
        Assert.That(done.GetProperty("score").GetDecimal(), Is.EqualTo(0.6667m));
        Assert.That(done.GetProperty("testItems").EnumerateArray().Any(i => i.TryGetProperty("correct", out _)), Is.False,
            "the worker sees the score, not which test answers were wrong");
        Assert.That(done.ToString(), Does.Not.Contain("knownAnswer"));
        Assert.That((await _operator.GetAsync($"/api/tasks/exam-attempts/{id}")).GetProperty("testItems")[1].GetProperty("correct").GetBoolean(),
            Is.False, "an operator sees which");

        var profile = await worker.GetAsync("/api/tasks/workers/me");
        var held = profile.GetProperty("qualifications")[0];
        Assert.That(held.GetProperty("name").GetString(), Is.EqualTo(qualification));
        Assert.That(held.GetProperty("taskType").GetString(), Is.EqualTo("text-classification"));
        Assert.That(held.GetProperty("industry").GetString(), Is.EqualTo("culture-media"));
        Assert.That(profile.GetProperty("clearance").GetString(), Is.EqualTo("general"));
        Assert.That(profile.GetProperty("identity").GetProperty("idNumber").GetString(), Does.Match(@"^\d{3}\*{11}[\dX]{4}$"));
        Assert.That(profile.GetProperty("level").GetProperty("current").GetInt32(), Is.EqualTo(2), "a qualified newcomer");
        Assert.That(profile.GetProperty("examAttempts")[0].GetProperty("status").GetString(), Is.EqualTo("passed"));

        var claim = await Api.ReadAsync(await ClaimAsync(worker, orderId), HttpStatusCode.OK);
        Assert.That(claim.GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));

        // Another worker's attempt does not exist for them.
        var other = await Api.SignUpAsync("worker");
        Assert.That((await other.Http.GetAsync($"/api/tasks/exam-attempts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.PostAsync($"/api/tasks/exam-attempts/{id}/finish")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.PostAsync($"/api/tasks/exam-attempts/{id}/training/t1", new { answer = "positive" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _operator.GetAsync($"/api/tasks/exam-attempts/{id}")).GetProperty("workerId").GetGuid(), Is.EqualTo(worker.UserId));
        Assert.That((await _operator.GetAsync($"/api/tasks/workers/{worker.UserId}")).GetProperty("qualifications").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Failing_the_test_grants_nothing_and_the_retake_waits_for_the_cooldown()
    {
        var qualification = $"failing-{Guid.NewGuid():N}"[..24];
        var examId = await CreateExamAsync(qualification, cooldownSeconds: 3);
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { requiredQualifications = new[] { qualification } }, items: 1);
        var worker = await Api.SignUpAsync("worker");

        var id = await TrainAsync(worker, examId);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q1", new { answer = "negative" }), HttpStatusCode.OK);
        var finished = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/finish"), HttpStatusCode.OK);
        Assert.That(finished.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(finished.GetProperty("score").GetDecimal(), Is.Zero, "unanswered items count as wrong");
        var retakeAt = finished.GetProperty("retakeAt").GetDateTime();

        Assert.That((await worker.GetAsync("/api/tasks/workers/me")).GetProperty("qualifications").GetArrayLength(), Is.Zero);
        Assert.That((await ClaimAsync(worker, orderId)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var tooSoon = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{examId}/attempts"), HttpStatusCode.Conflict);
        Assert.That(tooSoon.GetProperty("currentState").GetString(), Is.EqualTo("cooldown"));
        Assert.That(tooSoon.GetProperty("retakeAt").GetDateTime(), Is.EqualTo(retakeAt).Within(TimeSpan.FromSeconds(1)));

        var wait = retakeAt.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var retake = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{examId}/attempts"), HttpStatusCode.Created);
        Assert.That(retake.GetProperty("id").GetGuid(), Is.Not.EqualTo(id));
    }

    [Test]
    public async Task A_retake_draws_other_test_items_from_the_pool_and_shows_only_the_score()
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(Exam($"pool-{Guid.NewGuid():N}"[..24], cooldownSeconds: 1),
            new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        body["testItems"] = new System.Text.Json.Nodes.JsonArray(Enumerable.Range(1, 4).Select(i => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = $"p{i}", ["content"] = $"Pool review number {i}.", ["knownAnswer"] = "positive",
        }).ToArray());
        body["testItemsPerAttempt"] = 5;
        var tooMany = await Api.ReadAsync(await _operator.PostAsync("/api/tasks/exams", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(tooMany.GetProperty("errors").TryGetProperty("testItemsPerAttempt", out _), Is.True, tooMany.ToString());
        body["testItemsPerAttempt"] = 2;
        var exam = await Api.ReadAsync(await _operator.PostAsync("/api/tasks/exams", body.ToJsonString()), HttpStatusCode.Created);
        Assert.That(exam.GetProperty("testItemCount").GetInt32(), Is.EqualTo(2));
        Assert.That(exam.GetProperty("testPoolSize").GetInt32(), Is.EqualTo(4));
        var examId = exam.GetProperty("id").GetGuid();
        var worker = await Api.SignUpAsync("worker");

        async Task<List<string>> FailAsync()
        {
            var id = await TrainAsync(worker, examId);
            var drawn = (await worker.GetAsync($"/api/tasks/exam-attempts/{id}")).GetProperty("testItems").EnumerateArray()
                .Select(i => i.GetProperty("itemId").GetString()!).ToList();
            var notDrawn = new[] { "p1", "p2", "p3", "p4" }.Except(drawn).First();
            Assert.That((await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/{notDrawn}", new { answer = "negative" })).StatusCode,
                Is.EqualTo(HttpStatusCode.NotFound), "only the drawn items are this attempt's");
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/{drawn[0]}", new { answer = "negative" }), HttpStatusCode.OK);
            var last = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/{drawn[1]}", new { answer = "negative" }), HttpStatusCode.OK);
            Assert.That(last.GetProperty("attemptStatus").GetString(), Is.EqualTo("failed"), "scored after the second of two");
            var done = await worker.GetAsync($"/api/tasks/exam-attempts/{id}");
            Assert.That(done.GetProperty("score").GetDecimal(), Is.Zero);
            Assert.That(done.GetProperty("total").GetInt32(), Is.EqualTo(2));
            Assert.That(done.GetProperty("testItems").EnumerateArray().Any(i => i.TryGetProperty("correct", out _)), Is.False, "only the score");
            return drawn;
        }

        var first = await FailAsync();
        Assert.That(first, Has.Count.EqualTo(2));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the exam's one-second cooldown
        var second = await FailAsync();
        Assert.That(second, Is.EquivalentTo(new[] { "p1", "p2", "p3", "p4" }.Except(first)), "the retake gets the items the first did not");
    }

    [Test]
    public async Task A_test_whose_time_is_up_is_scored_with_what_was_answered()
    {
        var qualification = $"timed-{Guid.NewGuid():N}"[..24];
        var examId = await CreateExamAsync(qualification, timeLimitSeconds: 5);
        var worker = await Api.SignUpAsync("worker");
        var id = await TrainAsync(worker, examId);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q1", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await worker.GetAsync($"/api/tasks/exam-attempts/{id}")).GetProperty("status").GetString() == "failed",
            "the time limit ends the test", TimeSpan.FromSeconds(20));
        var late = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/test/q2", new { answer = "negative" }), HttpStatusCode.Conflict);
        Assert.That(late.GetProperty("currentState").GetString(), Is.EqualTo("failed"));
    }

    [Test]
    public async Task An_important_grade_order_needs_verification_agreement_and_vetting()
    {
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { dataGrade = "important" }, items: 1);
        var worker = await Api.SignUpAsync("worker", verified: false);

        var none = await Api.ReadAsync(await ClaimAsync(worker, orderId), HttpStatusCode.Forbidden);
        Assert.That(none.GetProperty("clearance").GetString(), Is.EqualTo("none"));
        Assert.That(none.GetProperty("requiredClearance").GetString(), Is.EqualTo("important"));
        Assert.That((await worker.PostAsync("/api/tasks/assignments/claim")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent),
            "a worker cleared for nothing gets no work from any order");

        var idNumber = Api.IdNumber();
        var broken = idNumber[..17] + (idNumber[17] == '0' ? '1' : '0');
        var badCheck = await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "Wang Xiaoming", idNumber = broken }),
            HttpStatusCode.BadRequest);
        Assert.That(badCheck.GetProperty("errors").TryGetProperty("idNumber", out _), Is.True);
        var pending = await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "Wang Xiaoming", idNumber }),
            HttpStatusCode.OK);
        Assert.That(pending.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(pending.GetProperty("idNumber").GetString(), Is.EqualTo(idNumber[..3] + new string('*', 11) + idNumber[^4..]));
        Assert.That(pending.ToString(), Does.Not.Contain(idNumber[3..14]), "the full number is never shown");

        // Another account giving the same card is answered alike (the answer must not tell that the number exists); the
        // operator sees the two accounts share it, and only one can be verified.
        var impostor = await Api.SignUpAsync("worker", verified: false);
        var impostorPending = await Api.ReadAsync(await impostor.PostAsync("/api/tasks/workers/me/identity", new { legalName = "Someone Else", idNumber }),
            HttpStatusCode.OK);
        Assert.That(impostorPending.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(impostorPending.TryGetProperty("sameCardAs", out _), Is.False, "the worker is not told");

        var queue = await _operator.GetAsync("/api/tasks/workers/identities?status=pending&pageSize=100");
        Assert.That(queue.GetProperty("total").GetInt64(), Is.GreaterThanOrEqualTo(1));
        var shared = queue.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("workerId").GetGuid() == impostor.UserId);
        if (shared.ValueKind != System.Text.Json.JsonValueKind.Undefined)
            Assert.That(shared.GetProperty("sameCardAs").EnumerateArray().Select(e => e.GetGuid()), Does.Contain(worker.UserId));
        Assert.That((await _operator.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "reject" })).StatusCode,
            Is.EqualTo(HttpStatusCode.BadRequest), "a rejection needs a reason");
        var verified = await Api.ReadAsync(await _operator.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }),
            HttpStatusCode.OK);
        Assert.That(verified.GetProperty("status").GetString(), Is.EqualTo("verified"));
        var reviewAgain = await Api.ReadAsync(await _operator.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }),
            HttpStatusCode.Conflict);
        Assert.That(reviewAgain.GetProperty("currentState").GetString(), Is.EqualTo("verified"));
        var second = await Api.ReadAsync(await _operator.PostAsync($"/api/tasks/workers/{impostor.UserId}/identity/review", new { decision = "verify" }),
            HttpStatusCode.Conflict);
        Assert.That(second.GetProperty("code").GetString(), Is.EqualTo("identity.card_verified_elsewhere"));

        var general = await Api.ReadAsync(await ClaimAsync(worker, orderId), HttpStatusCode.Forbidden);
        Assert.That(general.GetProperty("clearance").GetString(), Is.EqualTo("general"));

        var agreement = await worker.GetAsync("/api/tasks/agreements/current");
        var version = agreement.GetProperty("version").GetInt32();
        Assert.That(agreement.GetProperty("body").GetString(), Is.Not.Empty);
        var stale = await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/agreement", new { version = version + 1 }), HttpStatusCode.Conflict);
        Assert.That(stale.GetProperty("currentState").GetInt32(), Is.EqualTo(version));
        var signed = await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/agreement", new { version }), HttpStatusCode.OK);
        Assert.That(signed.GetProperty("version").GetInt32(), Is.EqualTo(version));
        Assert.That((await ClaimAsync(worker, orderId)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "not vetted yet");

        Assert.That((await _operator.PostAsync($"/api/tasks/workers/{impostor.UserId}/vetting", new { decision = "vet" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Conflict), "an unverified worker cannot be vetted");
        await Api.ReadAsync(await _operator.PostAsync($"/api/tasks/workers/{worker.UserId}/vetting", new { decision = "vet", note = "Interviewed" }),
            HttpStatusCode.OK);
        var profile = await worker.GetAsync("/api/tasks/workers/me");
        Assert.That(profile.GetProperty("clearance").GetString(), Is.EqualTo("important"));
        Assert.That(profile.GetProperty("agreement").GetProperty("signedCurrent").GetBoolean(), Is.True);

        var claim = await Api.ReadAsync(await ClaimAsync(worker, orderId), HttpStatusCode.OK);
        Assert.That(claim.GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));

        // A new agreement version must be signed again before important work is offered.
        var published = await Api.ReadAsync(await _operator.PostAsync("/api/tasks/agreements",
            new { title = "Confidentiality agreement, revised", body = "The same duties, and photos of screens are forbidden too." }), HttpStatusCode.Created);
        Assert.That(published.GetProperty("version").GetInt32(), Is.GreaterThan(version));
        Assert.That((await worker.GetAsync("/api/tasks/workers/me")).GetProperty("clearance").GetString(), Is.EqualTo("general"));
        await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/agreement", new { version = published.GetProperty("version").GetInt32() }),
            HttpStatusCode.OK);
        Assert.That((await worker.GetAsync("/api/tasks/workers/me")).GetProperty("clearance").GetString(), Is.EqualTo("important"));
    }

    [Test]
    public async Task The_instructions_of_an_important_grade_order_are_shown_only_to_workers_cleared_for_it()
    {
        // Due sooner than the other tests' orders, so both are on the feed's first page.
        var deadline = DateTimeOffset.UtcNow.AddDays(2);
        await Scenario.DepositAsync(_enterprise, 5.00m);
        var important = await Scenario.PublishedOrderWithAsync(_enterprise, new { dataGrade = "important", instructions = "Secret: the important rules.", deadline }, items: 1);
        var general = await Scenario.PublishedOrderWithAsync(_enterprise, new { instructions = "The general rules.", deadline }, items: 1);
        var worker = await Api.SignUpAsync("worker"); // verified: general clearance

        async Task<JsonElement> Offered(Guid orderId) =>
            (await worker.GetAsync("/api/portal/work")).EnumerateArray().Single(o => o.GetProperty("id").GetGuid() == orderId);
        var withheld = await Offered(important);
        Assert.That(withheld.GetProperty("instructions").GetString(), Is.Empty);
        Assert.That(withheld.GetProperty("instructionsWithheld").GetBoolean(), Is.True);
        Assert.That(withheld.ToString(), Does.Not.Contain("Secret"));
        Assert.That((await Offered(general)).GetProperty("instructions").GetString(), Is.EqualTo("The general rules."));

        var version = (await worker.GetAsync("/api/tasks/agreements/current")).GetProperty("version").GetInt32();
        await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/agreement", new { version }), HttpStatusCode.OK);
        await Api.ReadAsync(await _operator.PostAsync($"/api/tasks/workers/{worker.UserId}/vetting", new { decision = "vet", note = "Interviewed" }),
            HttpStatusCode.OK);
        var shown = await Offered(important);
        Assert.That(shown.GetProperty("instructions").GetString(), Is.EqualTo("Secret: the important rules."));
        Assert.That(shown.GetProperty("instructionsWithheld").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Every_view_of_an_items_content_is_audited_and_listed()
    {
        var orderId = await Scenario.PublishedOrderAsync(_enterprise, items: 2);
        var before = (await _enterprise.GetAsync($"/api/tasks/orders/{orderId}/content-views?pageSize=1")).GetProperty("total").GetInt64();
        var worker = await Api.SignUpAsync("worker");
        var claim = await Api.ReadAsync(await ClaimAsync(worker, orderId), HttpStatusCode.OK);
        var assignmentId = claim.GetProperty("assignmentId").GetGuid();
        var itemId = claim.GetProperty("itemId").GetString();
        await worker.GetAsync($"/api/tasks/assignments/{assignmentId}");
        await _enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments?itemId={itemId}");
        await _operator.GetAsync($"/api/tasks/assignments/{assignmentId}");

        var trail = await _enterprise.GetAsync($"/api/tasks/orders/{orderId}/content-views?itemId={itemId}&pageSize=100");
        var views = trail.GetProperty("items").EnumerateArray().ToList();
        Assert.That(views.Select(v => v.GetProperty("how").GetString()).Take(4),
            Is.EqualTo(new[] { "operator_view", "enterprise_review", "worker_view", "worker_claim" }), "newest first");
        Assert.That(views[3].GetProperty("viewerId").GetGuid(), Is.EqualTo(worker.UserId));
        Assert.That(views[3].GetProperty("assignmentId").GetGuid(), Is.EqualTo(assignmentId));
        Assert.That(views[1].GetProperty("viewerOrgId").GetGuid(), Is.EqualTo(_enterprise.OrgId));

        var all = await _operator.GetAsync($"/api/tasks/orders/{orderId}/content-views?page=2&pageSize=2");
        Assert.That(all.GetProperty("total").GetInt64(), Is.EqualTo(before + 4));
        Assert.That(all.GetProperty("items").GetArrayLength(), Is.EqualTo(Math.Min(2, before + 2)));
        Assert.That(all.GetProperty("page").GetInt32(), Is.EqualTo(2));
        var mine = await _operator.GetAsync($"/api/tasks/orders/{orderId}/content-views?viewerId={worker.UserId}");
        Assert.That(mine.GetProperty("total").GetInt64(), Is.EqualTo(2));

        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/content-views")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var badPage = await Api.ReadAsync(await _enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/content-views?pageSize=0"), HttpStatusCode.BadRequest);
        Assert.That(badPage.GetProperty("errors").TryGetProperty("pageSize", out _), Is.True);
    }

    [TestCase("passMark", "1.5")]
    [TestCase("passMark", "0")]
    [TestCase("timeLimitSeconds", "2")]
    [TestCase("retakeCooldownSeconds", "-1")]
    [TestCase("taskType", "\"video-tracking\"")]
    [TestCase("industry", "\"astrology\"")]
    [TestCase("trainingItems", "[]")]
    [TestCase("testItems", "null")]
    [TestCase("qualification", "\"\"")]
    [TestCase("labels", "[\"only\"]")]
    public async Task Out_of_range_exam_fields_are_refused_by_name(string field, string json)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(Exam("out-of-range"), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        body[field] = System.Text.Json.Nodes.JsonNode.Parse(json);
        var refused = await Api.ReadAsync(await _operator.PostAsync("/api/tasks/exams", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain(field), refused.ToString());
    }

    [TestCase("trainingItems", 0, "knownAnswer", "\"neutral\"")]
    [TestCase("trainingItems", 1, "explanation", "null")]
    [TestCase("testItems", 2, "knownAnswer", "null")]
    [TestCase("testItems", 0, "content", "\"\"")]
    [TestCase("testItems", 1, "id", "\"q1\"")]
    public async Task Bad_exam_items_are_refused_by_their_position(string part, int index, string field, string json)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(Exam("bad-items"), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        body[part]![index]![field] = System.Text.Json.Nodes.JsonNode.Parse(json);
        var refused = await Api.ReadAsync(await _operator.PostAsync("/api/tasks/exams", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain($"{part}[{index}].{field}"), refused.ToString());
    }

    [Test]
    public async Task Answers_of_the_wrong_shape_and_unknown_items_are_refused()
    {
        var examId = await CreateExamAsync($"shape-{Guid.NewGuid():N}"[..20]);
        var worker = await Api.SignUpAsync("worker");
        var attempt = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exams/{examId}/attempts"), HttpStatusCode.Created);
        var id = attempt.GetProperty("id").GetGuid();
        var bad = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/exam-attempts/{id}/training/t1", new { answer = "sarcastic" }), HttpStatusCode.BadRequest);
        Assert.That(bad.GetProperty("errors").TryGetProperty("answer", out _), Is.True);
        Assert.That((await worker.PostAsync($"/api/tasks/exam-attempts/{id}/training/nope", new { answer = "positive" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await worker.PostAsync($"/api/tasks/exams/{Guid.NewGuid()}/attempts")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await worker.PostAsync($"/api/tasks/exam-attempts/{id}/finish")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var stillTraining = await worker.GetAsync($"/api/tasks/exam-attempts/{id}");
        Assert.That(stillTraining.GetProperty("trainingItems")[0].GetProperty("answered").GetBoolean(), Is.False, "a refused answer changes nothing");
    }
}
