using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Cancelling refunds what nobody earned: nothing started, everything back; work in progress, submitted work is paid.</summary>
[TestFixture]
public class CancellationTests
{
    [Test]
    public async Task Cancelling_a_draft_moves_no_money()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 2);
        var cancelled = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);
        Assert.That(cancelled.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
        var again = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Conflict);
        Assert.That(again.GetProperty("currentState").GetString(), Is.EqualTo("cancelled"));
        Assert.That((await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Cancelling_a_funded_order_before_work_starts_refunds_all_of_its_escrow()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Scenario.OrderBody(items: 4, unitPrice: 2.50m),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.AsObject();
        body["mode"] = "bid"; // waits, funded, for a vendor: no crowd work starts
        var orderId = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("reserved") == 10.00m, "the budget is reserved");

        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);

        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") == 10.00m,
            "the order shows the refund");
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(20.00m));
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero);
    }

    [Test]
    public async Task Cancelling_work_in_progress_pays_submitted_work_withdraws_the_rest_and_refunds_it()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var approvedWorker = await Api.SignUpAsync("worker");
        var submittedWorker = await Api.SignUpAsync("worker");
        var leasingWorker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 4, unitPrice: 1.00m);

        async Task<Guid> Claim(Actor worker) =>
            (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
                .GetProperty("assignmentId").GetGuid();
        var first = await Claim(approvedWorker);
        await Api.ReadAsync(await approvedWorker.PostAsync($"/api/tasks/assignments/{first}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{first}/approve"), HttpStatusCode.OK);
        var second = await Claim(submittedWorker);
        await Api.ReadAsync(await submittedWorker.PostAsync($"/api/tasks/assignments/{second}/submit", new { answer = "negative" }), HttpStatusCode.OK);
        var third = await Claim(leasingWorker);
        // The fourth item is still open.

        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);

        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") == 2.00m,
            "the two items nobody finished are refunded");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(8.00m));
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero, "nothing is left in escrow");
        foreach (var worker in new[] { approvedWorker, submittedWorker })
            await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 0.90m, "submitted work is paid");

        Assert.That((await leasingWorker.GetAsync($"/api/tasks/assignments/{third}")).GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
        var late = await leasingWorker.PostAsync($"/api/tasks/assignments/{third}/submit", new { answer = "positive" });
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await leasingWorker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await leasingWorker.GetAsync("/api/payouts/earnings")).Money("totalEarned"), Is.Zero);

        var report = await op.GetAsync(
            $"/api/settlement/reports/period?from={DateTimeOffset.UtcNow.AddHours(-1):O}&to={DateTimeOffset.UtcNow.AddHours(1):O}".Replace("+", "%2B"));
        Assert.That(report.GetProperty("balanced").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_delivered_order_cannot_be_cancelled()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        var refused = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("currentState").GetString(), Is.EqualTo("delivered"));
    }
}
