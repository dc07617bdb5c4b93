using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Rejections with a reason, one appeal within the window (6 s in the test cluster), an upheld appeal paid, and a
/// rejection that stands replaced by a new slot for another worker, so the item is still answered and paid for once.
/// </summary>
[TestFixture]
public class ReviewTests
{
    private static async Task<(Actor Enterprise, Guid OrderId)> OrderAsync(int items = 1)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        return (enterprise, await Scenario.PublishedOrderAsync(enterprise, items, unitPrice: 1.00m));
    }

    private static async Task<Guid> SubmitAsync(Actor worker, Guid orderId, string answer = "positive")
    {
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer }), HttpStatusCode.OK);
        return id;
    }

    [Test]
    public async Task An_order_sets_how_long_its_enterprise_has_to_review_before_work_is_approved_for_it()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var tooShort = Scenario.OrderBodyWith(new { autoApproveSeconds = 30 }, items: 1, unitPrice: 1.00m);
        var refused = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", tooShort.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").EnumerateObject().Select(e => e.Name), Does.Contain("autoApproveSeconds"));

        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { autoApproveSeconds = 600 }, items: 1, unitPrice: 1.00m);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("autoApproveSeconds").GetInt32(), Is.EqualTo(600));
        var worker = await Api.SignUpAsync("worker");
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        var submitted = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);

        // The cluster's own default is an hour: this order's ten minutes hold, and the sweep leaves the work waiting for review.
        Assert.That(submitted.GetProperty("autoApproveAt").GetDateTime(), Is.EqualTo(DateTime.UtcNow.AddSeconds(600)).Within(TimeSpan.FromSeconds(30)));
        await Jobs.RunNowAsync("tasks", "auto-approve-due");
        var seen = (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments")).EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == id);
        Assert.That(seen.GetProperty("status").GetString(), Is.EqualTo("submitted"));
    }

    private static Task<HttpResponseMessage> RejectAsync(Actor enterprise, Guid id) =>
        enterprise.PostAsync($"/api/tasks/assignments/{id}/reject", new { reasonCode = "wrong-answer", comment = "The review complains: it is negative." });

    [Test]
    public async Task An_upheld_appeal_approves_and_pays_the_rejected_work()
    {
        var (enterprise, orderId) = await OrderAsync();
        var worker = await Api.SignUpAsync("worker");
        var id = await SubmitAsync(worker, orderId);
        var rejected = await Api.ReadAsync(await RejectAsync(enterprise, id), HttpStatusCode.OK);
        Assert.That(rejected.GetProperty("appealableUntil").GetDateTime(), Is.GreaterThan(DateTime.UtcNow));

        var seen = await worker.GetAsync($"/api/tasks/assignments/{id}");
        Assert.That(seen.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        Assert.That(seen.GetProperty("rejectReasonCode").GetString(), Is.EqualTo("wrong-answer"));
        Assert.That(seen.GetProperty("rejectComment").GetString(), Does.Contain("negative"));

        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/appeal", new { message = "Read the second sentence: it is praise." }), HttpStatusCode.OK);
        var twice = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/appeal", new { message = "Again." }), HttpStatusCode.Conflict);
        Assert.That(twice.GetProperty("currentState").GetString(), Is.EqualTo("appeal_pending"));

        await Jobs.EndAppealWindowAsync(id); // past the window: a pending appeal keeps the slot from being replaced
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(1));
        var upheld = await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/appeal/resolve", new { decision = "uphold", note = "You are right." }),
            HttpStatusCode.OK);
        Assert.That(upheld.GetProperty("appealStatus").GetString(), Is.EqualTo("upheld"));
        Assert.That((await worker.GetAsync($"/api/tasks/assignments/{id}")).GetProperty("status").GetString(), Is.EqualTo("approved"));
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 0.90m, "the upheld appeal is paid");
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(1), "no replacement: the work stood");
    }

    [Test]
    public async Task A_rejection_that_stands_is_replaced_and_the_item_is_paid_for_once()
    {
        var (enterprise, orderId) = await OrderAsync();
        var careless = await Api.SignUpAsync("worker");
        var careful = await Api.SignUpAsync("worker");
        var id = await SubmitAsync(careless, orderId);
        await Api.ReadAsync(await RejectAsync(enterprise, id), HttpStatusCode.OK);
        await Jobs.RunNowAsync("tasks", "replace-standing-rejections");
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(1), "within the appeal window the slot is not replaced");

        await Jobs.EndAppealWindowAsync(id);
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 2, "after the appeal window a new slot is open");
        var late = await Api.ReadAsync(await careless.PostAsync($"/api/tasks/assignments/{id}/appeal", new { message = "Too late?" }), HttpStatusCode.Conflict);
        Assert.That(late.GetProperty("currentState").GetString(), Is.EqualTo("appeal_window_closed"));
        Assert.That((await careless.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent),
            "the rejected worker does not get the item again");

        var replacement = await SubmitAsync(careful, orderId, "negative");
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{replacement}/approve"), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        await Api.EventuallyAsync(async () => (await careful.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 0.90m, "the replacement is paid");
        Assert.That((await careless.GetAsync("/api/payouts/earnings")).Money("totalEarned"), Is.Zero, "rejected work is not paid");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(9.00m), "one item, paid for once");
    }

    [Test]
    public async Task A_denied_appeal_is_replaced_at_once_and_the_worker_sees_why()
    {
        var (enterprise, orderId) = await OrderAsync();
        var worker = await Api.SignUpAsync("worker");
        var id = await SubmitAsync(worker, orderId);
        await Api.ReadAsync(await RejectAsync(enterprise, id), HttpStatusCode.OK);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/appeal", new { message = "I disagree." }), HttpStatusCode.OK);
        var noNote = await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/appeal/resolve", new { decision = "deny" }), HttpStatusCode.BadRequest);
        Assert.That(noNote.GetProperty("errors").TryGetProperty("note", out _), Is.True);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/appeal/resolve",
            new { decision = "deny", note = "The reviewer wrote 'never again'." }), HttpStatusCode.OK);

        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 2, "the item gets a new slot");
        var seen = await worker.GetAsync($"/api/tasks/assignments/{id}");
        Assert.That(seen.GetProperty("appealStatus").GetString(), Is.EqualTo("denied"));
        Assert.That(seen.GetProperty("appealNote").GetString(), Does.Contain("never again"));
        var again = await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/appeal/resolve", new { decision = "uphold" }), HttpStatusCode.Conflict);
        Assert.That(again.GetProperty("currentState").GetString(), Is.EqualTo("appeal_denied"));
    }

    [Test]
    public async Task Bad_rejections_and_appeals_are_refused_and_change_nothing()
    {
        var (enterprise, orderId) = await OrderAsync(items: 2);
        var worker = await Api.SignUpAsync("worker");
        var stranger = await Api.SignUpAsync("worker");
        var other = await Api.SignUpAsync("enterprise");
        var leased = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();

        async Task<JsonElement> Refused(HttpResponseMessage response, HttpStatusCode status) => await Api.ReadAsync(response, status);
        var badCode = await Refused(await enterprise.PostAsync($"/api/tasks/assignments/{leased}/reject", new { reasonCode = "meh", comment = "x" }), HttpStatusCode.BadRequest);
        Assert.That(badCode.GetProperty("errors").TryGetProperty("reasonCode", out _), Is.True);
        var noComment = await Refused(await enterprise.PostAsync($"/api/tasks/assignments/{leased}/reject", new { reasonCode = "spam" }), HttpStatusCode.BadRequest);
        Assert.That(noComment.GetProperty("errors").TryGetProperty("comment", out _), Is.True);
        var notSubmitted = await Refused(await RejectAsync(enterprise, leased), HttpStatusCode.Conflict);
        Assert.That(notSubmitted.GetProperty("currentState").GetString(), Is.EqualTo("leased"));
        Assert.That((await RejectAsync(other, leased)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await RejectAsync(worker, leased)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var notRejected = await Refused(await worker.PostAsync($"/api/tasks/assignments/{leased}/appeal", new { message = "?" }), HttpStatusCode.Conflict);
        Assert.That(notRejected.GetProperty("currentState").GetString(), Is.EqualTo("leased"));
        Assert.That((await stranger.PostAsync($"/api/tasks/assignments/{leased}/appeal", new { message = "mine?" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var empty = await Refused(await worker.PostAsync($"/api/tasks/assignments/{leased}/appeal", new { message = "" }), HttpStatusCode.BadRequest);
        Assert.That(empty.GetProperty("errors").TryGetProperty("message", out _), Is.True);
        var noAppeal = await Refused(await enterprise.PostAsync($"/api/tasks/assignments/{leased}/appeal/resolve", new { decision = "uphold" }), HttpStatusCode.Conflict);
        Assert.That(noAppeal.GetProperty("currentState").GetString(), Is.EqualTo("appeal_none"));
        var badDecision = await Refused(await enterprise.PostAsync($"/api/tasks/assignments/{leased}/appeal/resolve", new { decision = "maybe" }), HttpStatusCode.BadRequest);
        Assert.That(badDecision.GetProperty("errors").TryGetProperty("decision", out _), Is.True);
        Assert.That((await worker.GetAsync($"/api/tasks/assignments/{leased}")).GetProperty("status").GetString(), Is.EqualTo("leased"));
    }
}
