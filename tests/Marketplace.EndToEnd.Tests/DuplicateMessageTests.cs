using System.Net;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Payouts;
using Marketplace.Contracts.Settlement;
using Marketplace.Contracts.Tasks;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// RabbitMQ delivers at least once. Every consumer gets the same message (same MessageId) twice, straight from the
/// broker, and the effect seen through the API happens once. "Once" is proven by evidence, not by waiting: the inbox of
/// each consuming service counts the second copy as skipped (Jobs.DuplicateSkippedAsync) before the effect is checked.
/// </summary>
[TestFixture]
public class DuplicateMessageTests
{
    private IBusControl _bus = null!;

    [OneTimeSetUp]
    public async Task StartBus()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
                ushort.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "61672"), "/", h =>
                {
                    h.Username(Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "test");
                    h.Password(Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "test");
                });
        });
        await _bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    [OneTimeTearDown]
    public Task StopBus() => _bus.StopAsync();

    /// <returns>The copies' MessageId, to wait for the evidence that each consumer skipped the second copy.</returns>
    private async Task<Guid> Twice<T>(T message) where T : class
    {
        var messageId = NewId.NextGuid();
        for (var i = 0; i < 2; i++) await _bus.Publish(message, ctx => ctx.MessageId = messageId);
        return messageId;
    }

    [Test]
    public async Task A_duplicated_OrderPublished_escrows_the_budget_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 1); // a draft: orders ignores the OrderFunded that follows
        var published = await Twice(new OrderPublished(orderId, enterprise.OrgId, "Duplicate", "crowd", "text-classification", 2.00m, "CNY",
            DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow));

        // A draft never reaches the crowd: the budget stays reserved (pending escrow), once.
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("reserved") == 2.00m, "2.00 is reserved");
        await Jobs.DuplicateSkippedAsync("settlement", published);
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(8.00m));
        Assert.That(wallet.Money("reserved"), Is.EqualTo(2.00m));
    }

    [Test]
    public async Task A_duplicated_OrderReadyForWork_splits_the_order_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = Guid.NewGuid();
        var ready = await Twice(new OrderReadyForWork(orderId, enterprise.OrgId, "text-classification", ["positive", "negative"],
            [new OrderItem("a", "Loved it."), new OrderItem("b", "Hated it."), new OrderItem("c", "It is a toaster.")],
            1, 1.00m, 0.90m, 0.10m, "CNY", DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow));

        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) > 0, "the order is split");
        await Jobs.DuplicateSkippedAsync("tasks", ready);
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(3));
    }

    [Test]
    public async Task Duplicated_OrderFunded_and_OrderWorkCompleted_move_the_order_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 2);
        // A real publish with no money: the order waits in funding_failed; a duplicated OrderFundingFailed changes nothing more.
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "funding_failed");
        await Scenario.DepositAsync(enterprise, 10.00m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 2, "the work reached tasks");

        var funded = await Twice(new OrderFunded(orderId, enterprise.OrgId, 2.40m, "CNY", Guid.NewGuid(), DateTimeOffset.UtcNow));
        var failed = await Twice(new OrderFundingFailed(orderId, enterprise.OrgId, "late duplicate", 2.40m, 0m, "CNY", DateTimeOffset.UtcNow));
        await Jobs.DuplicateSkippedAsync("orders", funded);
        await Jobs.DuplicateSkippedAsync("orders", failed);
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(2), "work was sent to tasks once");
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("in_progress"));

        var completed = await Twice(new OrderWorkCompleted(orderId, 2, DateTimeOffset.UtcNow));
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var delivered = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        await Jobs.DuplicateSkippedAsync("orders", completed);
        var later = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(later.GetProperty("updatedAt").GetDateTime(), Is.EqualTo(delivered.GetProperty("updatedAt").GetDateTime()),
            "the copy changed nothing more");
    }

    [Test]
    public async Task A_duplicated_OrderRefunded_shows_the_refund_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 1);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);

        // orders adds every refund it hears of: only its inbox keeps a copy from counting twice.
        var refunded = await Twice(new OrderRefunded(orderId, enterprise.OrgId, 1.25m, "CNY", DateTimeOffset.UtcNow));
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") > 0,
            "orders shows the refund");
        await Jobs.DuplicateSkippedAsync("orders", refunded);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount"), Is.EqualTo(1.25m));
    }

    [Test]
    public async Task Duplicated_OrderCancelled_and_OrderWorkClosed_withdraw_the_work_and_refund_the_escrow_once()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 1.20m);
        var leased = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();

        // tasks withdraws the work and reports the final count; settlement refunds what is left once that count is booked.
        var cancelled = await Twice(new OrderCancelled(orderId, enterprise.OrgId, true, "CNY", DateTimeOffset.UtcNow));
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") > 0,
            "the escrow is refunded");
        var closed = await Twice(new OrderWorkClosed(orderId, 0, 2, DateTimeOffset.UtcNow));
        await Jobs.DuplicateSkippedAsync("tasks", cancelled);
        await Jobs.DuplicateSkippedAsync("settlement", cancelled);
        await Jobs.DuplicateSkippedAsync("settlement", closed);

        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount"), Is.EqualTo(2.40m));
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(10.00m), "the budget came back once");
        Assert.That(wallet.Money("inEscrow"), Is.Zero);
        var escrow = await op.GetAsync($"/api/settlement/accounts?kind=escrow&ownerId={orderId}");
        Assert.That(escrow[0].Money("balance"), Is.Zero);
        Assert.That((await worker.GetAsync($"/api/tasks/assignments/{leased}")).GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
        Assert.That((await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Duplicated_AssignmentsApproved_and_PayoutSent_are_earned_and_booked_once()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.PayoutMethodAsync(worker); // a payout batch pays only workers who said where to
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        async Task<decimal> Payable()
        {
            var accounts = await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={worker.UserId}");
            return accounts.GetArrayLength() == 0 ? 0m : -accounts[0].Money("balance");
        }

        // A real approval (so reconciliation still finds every earning backed by an approved assignment), then its
        // AssignmentsApproved delivered again: twice with one MessageId, and once more in another batch.
        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        var assignmentId = claim.GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{assignmentId}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{assignmentId}/approve"), HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") > 0, "the worker earned");
        await Api.EventuallyAsync(async () => await Payable() > 0, "settlement booked the approval");
        var approval = new ApprovedAssignment(assignmentId, orderId, worker.UserId, 0.90m, 0.10m, "CNY", false, DateTimeOffset.UtcNow);
        var twice = await Twice(new AssignmentsApproved(Guid.NewGuid(), [approval], DateTimeOffset.UtcNow));
        var again = NewId.NextGuid();
        await _bus.Publish(new AssignmentsApproved(Guid.NewGuid(), [approval], DateTimeOffset.UtcNow), ctx => ctx.MessageId = again);
        await Jobs.DuplicateSkippedAsync("payouts", twice);
        await Jobs.DuplicateSkippedAsync("settlement", twice);
        await Jobs.ConsumedAsync("payouts", again);
        await Jobs.ConsumedAsync("settlement", again);
        var earnings = await worker.GetAsync("/api/payouts/earnings");
        Assert.That(earnings.Money("totalEarned"), Is.EqualTo(0.90m));
        Assert.That(earnings.GetProperty("earnings").GetArrayLength(), Is.EqualTo(1));
        Assert.That(await Payable(), Is.EqualTo(0.90m));

        // A real payout (once the earning's hold is over), then its PayoutSent delivered twice more: the payable is
        // settled once.
        await Jobs.ReleaseHeldEarningsAsync(worker.UserId);
        await Jobs.ReleasedAsync(worker, 0.90m);
        await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => await Payable() == 0m, "settlement booked the payout");
        var payout = (await worker.GetAsync("/api/payouts/payouts")).EnumerateArray().Single(p => p.GetProperty("status").GetString() == "sent");
        var sent = await Twice(new PayoutSent(payout.GetProperty("id").GetGuid(), payout.GetProperty("batchId").GetGuid(), worker.UserId, 0.90m, "CNY",
            payout.GetProperty("railReference").GetString()!, DateTimeOffset.UtcNow));
        await Jobs.DuplicateSkippedAsync("settlement", sent);
        Assert.That(await Payable(), Is.EqualTo(0m));
    }

    [Test]
    public async Task Duplicated_acceptance_and_rework_messages_fund_open_and_release_once()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 1.00m);
        for (var i = 0; i < 2; i++)
        {
            var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
                .GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        }
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance")).GetArrayLength(), Is.EqualTo(1), "one sample per delivery");

        // Settlement escrows a rework round once; orders sends the rework to tasks once; tasks opens its slots once.
        var reworkRequested = await Twice(new OrderReworkRequested(orderId, enterprise.OrgId, 7, 1, 1.00m, "CNY", DateTimeOffset.UtcNow));
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("available") == 7.00m, "the rework is escrowed");
        var reworkFunded = await Twice(new OrderReworkFunded(orderId, 7, 1.00m, "CNY", DateTimeOffset.UtcNow));
        var reworkReady = await Twice(new OrderReworkReady(orderId, 7, [new ReworkItem("review-1", Scenario.Reviews[0], "Too hasty")], DateTimeOffset.UtcNow));
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 3, "the rework slot opens");
        await Jobs.DuplicateSkippedAsync("settlement", reworkRequested);
        await Jobs.DuplicateSkippedAsync("orders", reworkFunded);
        await Jobs.DuplicateSkippedAsync("tasks", reworkReady);
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(7.00m));
        Assert.That(await Scenario.AssignmentCountAsync(enterprise, orderId), Is.EqualTo(3), "an OrderReworkFunded for an order not waiting for it sends nothing");

        // The accepted order's unspent escrow (the rework nobody did) is released once.
        var accepted = await Twice(new OrderAccepted(orderId, enterprise.OrgId, 2, "CNY", DateTimeOffset.UtcNow));
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("available") == 8.00m, "the escrow is released");
        var released = await Twice(new OrderEscrowReleased(orderId, enterprise.OrgId, 1.00m, "CNY", DateTimeOffset.UtcNow));
        await Jobs.DuplicateSkippedAsync("settlement", accepted);
        await Jobs.DuplicateSkippedAsync("orders", released);
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(8.00m));
        var escrow = await op.GetAsync($"/api/settlement/accounts?kind=escrow&ownerId={orderId}");
        Assert.That(escrow[0].Money("balance"), Is.Zero);
        // Settlement's own release reaches orders as a message of its own: wait for it, then check nothing counted twice.
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("releasedAmount") >= 2.00m,
            "orders has heard of both releases");
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("releasedAmount"), Is.EqualTo(2.00m),
            "settlement's own release (1.00) and the injected one (1.00), each counted once");
    }

    [Test]
    public async Task A_duplicated_AcceptanceSampleViewed_is_recorded_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2);
        var viewed = await Twice(new AcceptanceSampleViewed(orderId, ["review-1", "review-2"], enterprise.UserId, enterprise.OrgId, "enterprise", DateTimeOffset.UtcNow));

        async Task<int> Recorded() => (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/content-views?viewerId={enterprise.UserId}&pageSize=100"))
            .GetProperty("items").EnumerateArray().Count(v => v.GetProperty("how").GetString() == "acceptance_sample");
        await Api.EventuallyAsync(async () => await Recorded() == 2, "the views are recorded");
        await Jobs.DuplicateSkippedAsync("tasks", viewed);
        Assert.That(await Recorded(), Is.EqualTo(2), "one row per item, however often the message comes");
    }
}
