using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// The deadline acts on crowd work: a day before, the enterprise is told and may extend it; when it passes with work
/// unfinished, that work is withdrawn, what was submitted in time is paid, and the unspent escrow goes back.
/// </summary>
[TestFixture]
public class DeadlineTests
{
    private static async Task<Guid> ClaimAsync(Actor worker, Guid orderId) =>
        (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();

    [Test]
    public async Task The_enterprise_is_warned_a_day_before_and_may_extend_the_deadline()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var other = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 1.00m);

        await Jobs.MoveDeadlineAsync(orderId, TimeSpan.FromHours(6));
        var warning = await NotificationTests.ArrivesAsync(enterprise, "order.deadline_approaching",
            p => p.GetProperty("orderId").GetGuid() == orderId);
        Assert.That(warning.GetProperty("params").GetProperty("itemCount").GetInt32(), Is.EqualTo(2));
        Assert.That(await NotificationTests.NotificationsAsync(other, "order.deadline_approaching"), Is.Empty, "only the order's enterprise is told");
        await Jobs.RunNowAsync("orders", "order-deadlines");
        Assert.That(await NotificationTests.NotificationsAsync(enterprise, "order.deadline_approaching"), Has.Count.EqualTo(1), "warned once");

        var current = (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("deadline").GetDateTimeOffset();
        var later = current.AddDays(3);
        Assert.That((await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline", new { deadline = current.AddHours(-1) }),
            HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("later than the order's current deadline"));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline", new { deadline = current.AddDays(400) }), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline", new { }), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline", "{\"deadline\": 12"), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await other.PostAsync($"/api/orders/orders/{orderId}/deadline", new { deadline = later }), HttpStatusCode.NotFound);

        var extended = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline", new { deadline = later }), HttpStatusCode.OK);
        Assert.That(extended.GetProperty("deadline").GetDateTimeOffset(), Is.EqualTo(later).Within(TimeSpan.FromSeconds(1)));
        Assert.That(extended.GetProperty("status").GetString(), Is.EqualTo("in_progress"));

        // Extending arms the warning again for the new deadline.
        await Jobs.MoveDeadlineAsync(orderId, TimeSpan.FromHours(2));
        await Api.EventuallyAsync(async () => (await NotificationTests.NotificationsAsync(enterprise, "order.deadline_approaching")).Count == 2,
            "warned again for the new deadline");
    }

    [Test]
    public async Task A_passed_deadline_withdraws_unfinished_work_pays_what_was_submitted_and_refunds_the_rest()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var approvedWorker = await Api.SignUpAsync("worker");
        var submittedWorker = await Api.SignUpAsync("worker");
        var leasingWorker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 4, unitPrice: 1.00m);

        var first = await ClaimAsync(approvedWorker, orderId);
        await Api.ReadAsync(await approvedWorker.PostAsync($"/api/tasks/assignments/{first}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{first}/approve"), HttpStatusCode.OK);
        var second = await ClaimAsync(submittedWorker, orderId);
        await Api.ReadAsync(await submittedWorker.PostAsync($"/api/tasks/assignments/{second}/submit", new { answer = "negative" }), HttpStatusCode.OK);
        var third = await ClaimAsync(leasingWorker, orderId);
        // The fourth item is still open when the deadline passes.

        await Jobs.MoveDeadlineAsync(orderId, TimeSpan.FromSeconds(-1));

        await Scenario.WaitForStatusAsync(enterprise, orderId, "expired");
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") == 2.00m,
            "the two items nobody finished in time are refunded");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(8.00m));
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero, "nothing is left in escrow");
        foreach (var worker in new[] { approvedWorker, submittedWorker })
            await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 0.90m, "work done in time is paid");

        Assert.That((await leasingWorker.GetAsync($"/api/tasks/assignments/{third}")).GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
        Assert.That((await leasingWorker.PostAsync($"/api/tasks/assignments/{third}/submit", new { answer = "positive" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Conflict), "an answer after the deadline is refused");
        Assert.That((await leasingWorker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var tooLate = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline",
            new { deadline = DateTimeOffset.UtcNow.AddDays(2) }), HttpStatusCode.Conflict);
        Assert.That(tooLate.GetProperty("currentState").GetString(), Is.EqualTo("expired"));

        var report = await op.GetAsync(
            $"/api/settlement/reports/period?from={DateTimeOffset.UtcNow.AddHours(-1):O}&to={DateTimeOffset.UtcNow.AddHours(1):O}".Replace("+", "%2B"));
        Assert.That(report.GetProperty("balanced").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_delivered_order_keeps_its_deadline()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var id = await ClaimAsync(worker, orderId);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        var refused = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/deadline",
            new { deadline = DateTimeOffset.UtcNow.AddDays(30) }), HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("currentState").GetString(), Is.EqualTo("delivered"));
        await Jobs.MoveDeadlineAsync(orderId, TimeSpan.FromSeconds(-1));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("delivered"),
            "a delivered order does not expire");
    }
}
