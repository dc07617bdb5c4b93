using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Delivery, the acceptance sample, and what each verdict does: passing accepts and closes the order and releases its
/// unspent escrow; failing sends the items found wrong back for rework, paid from the wallet, with the findings.
/// </summary>
[TestFixture]
public class AcceptanceTests
{
    private static Task<Guid> PublishAsync(Actor enterprise, int items, decimal unitPrice, int? sampleSize = null,
        decimal? passThreshold = null, decimal? sampleRate = null) =>
        Scenario.PublishedOrderWithAsync(enterprise, new { sampleSize, sampleRate, passThreshold }, items, unitPrice);

    /// <summary>The worker takes every assignment it can get, answers, and the enterprise approves each.</summary>
    private static async Task<List<JsonElement>> WorkAsync(Actor worker, Actor enterprise, Guid orderId)
    {
        var done = new List<JsonElement>();
        while (true)
        {
            var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
            if (response.StatusCode == HttpStatusCode.NoContent) return done;
            var claim = await Api.ReadAsync(response, HttpStatusCode.OK);
            var id = claim.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
            done.Add(claim);
        }
    }

    private static async Task<JsonElement> OpenRoundAsync(Actor enterprise, Guid orderId)
    {
        var rounds = await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance");
        Assert.That(rounds[0].GetProperty("status").GetString(), Is.EqualTo("open"));
        return rounds[0];
    }

    private static object Verdicts(JsonElement round, Func<string, bool> ok) => new
    {
        round = round.GetProperty("round").GetInt32(),
        verdicts = round.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).Select(itemId => new
        {
            itemId, ok = ok(itemId), finding = ok(itemId) ? null : $"'{itemId}' is a complaint, not praise: the label should be negative.",
        }).ToArray(),
    };

    [Test]
    public async Task A_passing_sample_accepts_the_order_and_closes_it()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await PublishAsync(enterprise, items: 4, unitPrice: 1.00m, sampleSize: 3, passThreshold: 1m);

        var early = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance",
            new { round = 1, verdicts = new[] { new { itemId = "review-1", ok = true } } }), HttpStatusCode.Conflict);
        Assert.That(early.GetProperty("currentState").GetString(), Is.EqualTo("in_progress"), "nothing to judge before delivery");

        await WorkAsync(worker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = await OpenRoundAsync(enterprise, orderId);
        Assert.That(round.GetProperty("sampleSize").GetInt32(), Is.EqualTo(3));
        var items = round.GetProperty("items").EnumerateArray().ToList();
        Assert.That(items.Select(i => i.GetProperty("itemId").GetString()).ToList(), Is.Unique.And.Count.EqualTo(3));
        Assert.That(items.Select(i => i.GetProperty("content").GetString()), Has.All.AnyOf(Scenario.Reviews), "the sample shows the items");

        // The enterprise reads the sampled items' answers from tasks.
        var query = string.Join("&", items.Select(i => $"itemId={Uri.EscapeDataString(i.GetProperty("itemId").GetString()!)}"));
        var answers = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments?{query}");
        Assert.That(answers.GetArrayLength(), Is.EqualTo(3));
        Assert.That(answers.EnumerateArray().Select(a => a.GetProperty("answer").GetString()), Has.All.EqualTo("positive"));

        var outcome = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", Verdicts(round, _ => true)), HttpStatusCode.OK);
        Assert.That(outcome.GetProperty("orderStatus").GetString(), Is.EqualTo("accepted"));
        Assert.That(outcome.GetProperty("round").GetProperty("passedItems").GetInt32(), Is.EqualTo(3));
        await Scenario.WaitForStatusAsync(enterprise, orderId, "closed");

        var replay = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", Verdicts(round, _ => true)), HttpStatusCode.Conflict);
        Assert.That(replay.GetProperty("currentState").GetString(), Is.EqualTo("closed"), "a replayed verdict changes nothing");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(6.00m), "four answers were paid for");
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance")).GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_sample_sends_the_wrong_items_back_with_findings_and_the_next_delivery_is_sampled_again()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var firstWorker = await Api.SignUpAsync("worker");
        var secondWorker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await PublishAsync(enterprise, items: 4, unitPrice: 1.00m, sampleSize: 4, passThreshold: 0.75m);
        await WorkAsync(firstWorker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = await OpenRoundAsync(enterprise, orderId);

        // review-2 and review-4 are complaints: half the sample is wrong, below the 75% bar.
        var wrong = new[] { "review-2", "review-4" };
        var outcome = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance",
            Verdicts(round, id => !wrong.Contains(id))), HttpStatusCode.OK);
        Assert.That(outcome.GetProperty("orderStatus").GetString(), Is.EqualTo("rework"));
        Assert.That(outcome.GetProperty("round").GetProperty("status").GetString(), Is.EqualTo("failed"));

        // The rework is paid from the wallet through escrow: two more answers at the unit price.
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("reworkFunding").GetString() == "funded",
            "the rework is funded");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(4.00m));
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 6, "two rework assignments open");

        // The worker who labelled an item never gets it again; another worker sees what was found wrong.
        Assert.That((await firstWorker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var reworked = await WorkAsync(secondWorker, enterprise, orderId);
        Assert.That(reworked.Select(c => c.GetProperty("itemId").GetString()), Is.EquivalentTo(wrong));
        Assert.That(reworked.Select(c => c.GetProperty("reworkFinding").GetString()), Has.All.Contains("the label should be negative"));

        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var labels = await Delivery.LabelsAsync(enterprise, orderId);
        Assert.That(labels.GetProperty("aggregationRounds").GetInt32(), Is.EqualTo(2), "the second delivery was aggregated again");
        foreach (var itemId in wrong)
        {
            var label = Delivery.LabelOf(labels, itemId);
            Assert.That(label.GetProperty("method").GetString(), Is.EqualTo("rework"), "the answer given after the finding decides");
            Assert.That(label.GetProperty("answerCount").GetInt32(), Is.EqualTo(2));
            Assert.That(label.GetProperty("confidence").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }
        Assert.That(Delivery.LabelOf(labels, "review-1").GetProperty("method").GetString(), Is.EqualTo("majority-vote"));
        var second = await OpenRoundAsync(enterprise, orderId);
        Assert.That(second.GetProperty("round").GetInt32(), Is.EqualTo(2));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", Verdicts(second, _ => true)), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "closed");

        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("approvedAssignments").GetInt32(), Is.EqualTo(6));
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero);
        await Api.EventuallyAsync(async () => (await secondWorker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 2 * 0.90m,
            "the rework is paid to the worker who did it");
        var report = await op.GetAsync($"/api/settlement/reports/period?from={DateTimeOffset.UtcNow.AddDays(-1):O}&to={DateTimeOffset.UtcNow.AddDays(1):O}"
            .Replace("+", "%2B"));
        Assert.That(report.GetProperty("balanced").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_rework_the_wallet_cannot_pay_for_waits_until_it_is_funded_again()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 2.00m);
        var orderId = await PublishAsync(enterprise, items: 2, unitPrice: 1.00m, sampleRate: 1m, passThreshold: 1m);
        await WorkAsync(worker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = await OpenRoundAsync(enterprise, orderId);
        Assert.That(round.GetProperty("sampleSize").GetInt32(), Is.EqualTo(2), "a 100% rate samples every item");

        var tooSoon = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/rework/fund"), HttpStatusCode.Conflict);
        Assert.That(tooSoon.GetProperty("currentState").GetString(), Is.EqualTo("delivered"));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", Verdicts(round, id => id == "review-1")), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("reworkFunding").GetString() == "failed",
            "the empty wallet cannot pay for the rework");
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("reworkFundingFailureReason").GetString(), Does.Contain("1.00"));
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(2), "no unpaid work went to the crowd");

        await Scenario.DepositAsync(enterprise, 1.00m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/rework/fund"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 3, "the rework goes to the crowd");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.Zero);
    }

    [Test]
    public async Task Cancelling_during_rework_refunds_the_unworked_rework()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await PublishAsync(enterprise, items: 3, unitPrice: 1.00m, sampleSize: 3, passThreshold: 1m);
        await WorkAsync(worker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = await OpenRoundAsync(enterprise, orderId);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", Verdicts(round, id => id != "review-2")), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 4, "the rework goes to the crowd");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(1.00m));

        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") == 1.00m,
            "the rework nobody did is refunded");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(2.00m));
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero);
    }

    [Test]
    public async Task Verdicts_that_do_not_fit_the_sample_are_refused_and_change_nothing()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var stranger = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await PublishAsync(enterprise, items: 3, unitPrice: 1.00m, sampleSize: 2);
        await WorkAsync(worker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = await OpenRoundAsync(enterprise, orderId);
        var sampled = round.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
        var path = $"/api/orders/orders/{orderId}/acceptance";

        async Task Refused(object body, HttpStatusCode status, string? field)
        {
            var problem = await Api.ReadAsync(await enterprise.PostAsync(path, body), status);
            if (field is not null) Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"names {field}: {problem}");
        }

        await Refused(new { round = 1, verdicts = new[] { new { itemId = sampled[0], ok = true } } }, HttpStatusCode.BadRequest, "verdicts");
        await Refused(new { round = 1, verdicts = sampled.Append("no-such-item").Select(i => new { itemId = i, ok = true }) }, HttpStatusCode.BadRequest, "verdicts");
        await Refused(new { round = 1, verdicts = sampled.Concat(sampled).Select(i => new { itemId = i, ok = true }) }, HttpStatusCode.BadRequest, "verdicts");
        await Refused(new { round = 1, verdicts = sampled.Select(i => new { itemId = i, ok = false }) }, HttpStatusCode.BadRequest, "verdicts[0].finding");
        await Refused(new { round = 1, verdicts = sampled.Select(i => new { itemId = i }) }, HttpStatusCode.BadRequest, "verdicts[0].ok");
        await Refused(new { round = 0, verdicts = sampled.Select(i => new { itemId = i, ok = true }) }, HttpStatusCode.BadRequest, "round");
        await Refused("{\"round\": 1, \"verdicts\": ", HttpStatusCode.BadRequest, null);
        await Refused(new { round = 2, verdicts = sampled.Select(i => new { itemId = i, ok = true }) }, HttpStatusCode.Conflict, null);
        Assert.That((await stranger.PostAsync(path, Verdicts(round, _ => true))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await stranger.Http.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await worker.PostAsync(path, Verdicts(round, _ => true))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var unchanged = await OpenRoundAsync(enterprise, orderId);
        Assert.That(unchanged.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ok").ValueKind), Has.All.EqualTo(JsonValueKind.Null));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("delivered"));
    }

    /// <summary>The acceptance-page views of an order in the trail tasks keeps, as the caller reads them.</summary>
    private static async Task<List<JsonElement>> AcceptanceViewsAsync(Actor reader, Guid orderId, Guid? viewerId = null) =>
        (await reader.GetAsync($"/api/tasks/orders/{orderId}/content-views?pageSize=100{(viewerId is null ? "" : $"&viewerId={viewerId}")}"))
            .GetProperty("items").EnumerateArray().Where(v => v.GetProperty("how").GetString() == "acceptance_sample").ToList();

    [Test]
    public async Task Viewing_the_sample_on_the_acceptance_page_leaves_a_content_view_per_item_that_the_operator_reads()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var stranger = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var op = await Api.OperatorAsync();
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await PublishAsync(enterprise, items: 3, unitPrice: 1.00m, sampleSize: 2, passThreshold: 1m);
        await WorkAsync(worker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        Assert.That(await AcceptanceViewsAsync(op, orderId), Is.Empty, "nobody has opened the acceptance page yet");

        var before = DateTime.UtcNow;
        var round = await OpenRoundAsync(enterprise, orderId);
        var after = DateTime.UtcNow;
        var sampled = round.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
        List<JsonElement> views = [];
        await Api.EventuallyAsync(async () => (views = await AcceptanceViewsAsync(op, orderId)).Count >= sampled.Count, "tasks records the views");
        Assert.That(views.Select(v => v.GetProperty("itemId").GetString()), Is.EquivalentTo(sampled), "one row per item shown, once");
        foreach (var view in views)
        {
            Assert.That(view.GetProperty("viewerId").GetGuid(), Is.EqualTo(enterprise.UserId));
            Assert.That(view.GetProperty("viewerOrgId").GetGuid(), Is.EqualTo(enterprise.OrgId));
            Assert.That(view.GetProperty("viewerRole").GetString(), Is.EqualTo("enterprise"));
            Assert.That(view.GetProperty("assignmentId").ValueKind, Is.EqualTo(JsonValueKind.Null), "a sampled item, not an assignment");
            Assert.That(view.GetProperty("viewedAt").GetDateTime(), Is.InRange(before.AddSeconds(-2), after.AddSeconds(2)), "when it was shown");
        }
        Assert.That(await AcceptanceViewsAsync(enterprise, orderId), Has.Count.EqualTo(sampled.Count), "the order's enterprise reads the same trail");

        // A refused look leaves nothing; an operator's look is the operator's.
        Assert.That((await stranger.Http.GetAsync($"/api/orders/orders/{orderId}/acceptance")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await worker.Http.GetAsync($"/api/orders/orders/{orderId}/acceptance")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await op.GetAsync($"/api/orders/orders/{orderId}/acceptance");
        await Api.EventuallyAsync(async () => (await AcceptanceViewsAsync(op, orderId, op.UserId)).Count == sampled.Count, "the operator's views are recorded");
        Assert.That((await AcceptanceViewsAsync(op, orderId, op.UserId)).Select(v => v.GetProperty("viewerRole").GetString()), Has.All.EqualTo("operator"));
        Assert.That(await AcceptanceViewsAsync(op, orderId, stranger.UserId), Is.Empty);
        Assert.That(await AcceptanceViewsAsync(op, orderId, worker.UserId), Is.Empty);
        Assert.That(await AcceptanceViewsAsync(op, orderId), Has.Count.EqualTo(2 * sampled.Count));
    }
}
