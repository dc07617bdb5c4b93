using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// The commission per task type: percent of the unit price, with a minimum per order topped up at acceptance. The fixture
/// changes the schedule of a task type every other test uses, so it runs alone and puts the default back.
/// </summary>
[TestFixture, NonParallelizable]
public class FeeScheduleTests
{
    private Actor _operator = null!;

    [OneTimeSetUp]
    public async Task SignIn() => _operator = await Api.OperatorAsync();

    [TearDown]
    public async Task DefaultTermsAgain() => await SetFees("text-classification", new { percent = 10m, minimumPerOrder = 0m }, HttpStatusCode.OK);

    private async Task<JsonElement> SetFees(string taskType, object body, HttpStatusCode expected) =>
        await Api.ReadAsync(await Api.Send(_operator.Http, HttpMethod.Put, $"/api/orders/fees/{taskType}", body), expected);

    private static async Task WorkAllAsync(Actor worker, Actor enterprise, Guid orderId, int? max = null)
    {
        for (var done = 0; max is null || done < max; done++)
        {
            var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
            if (response.StatusCode == HttpStatusCode.NoContent) return;
            var id = (await Api.ReadAsync(response, HttpStatusCode.OK)).GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        }
    }

    [Test]
    public async Task An_order_states_its_task_types_terms_and_acceptance_tops_the_fee_up_to_the_minimum()
    {
        var set = await SetFees("text-classification", new { percent = 20m, minimumPerOrder = 3.00m }, HttpStatusCode.OK);
        Assert.That(set.Money("percent"), Is.EqualTo(20m));
        var schedule = await _operator.GetAsync("/api/orders/fees");
        var text = schedule.EnumerateArray().Single(t => t.GetProperty("taskType").GetString() == "text-classification");
        Assert.That(text.Money("minimumPerOrder"), Is.EqualTo(3.00m));
        Assert.That(schedule.EnumerateArray().Single(t => t.GetProperty("taskType").GetString() == "transcription").Money("percent"), Is.EqualTo(10m),
            "other task types keep the default");

        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { sampleSize = 1, passThreshold = 0.5m }, items: 2, unitPrice: 1.00m);
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.Money("feePercent"), Is.EqualTo(20m));
        Assert.That(order.Money("minimumFee"), Is.EqualTo(3.00m));
        Assert.That(order.Money("platformFee"), Is.EqualTo(0.20m), "the percent comes out of the unit price");
        Assert.That(order.Money("workerReward"), Is.EqualTo(0.80m));
        Assert.That(order.Money("budget"), Is.EqualTo(4.60m), "2 x 1.00 of work + 2.60 reserved for the minimum (3.00 - 2 x 0.20)");

        // A change to the schedule does not touch an order already created.
        await SetFees("text-classification", new { percent = 5m, minimumPerOrder = 0m }, HttpStatusCode.OK);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("feePercent"), Is.EqualTo(20m));

        await WorkAllAsync(worker, enterprise, orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = (await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance"))[0];
        var verdicts = round.GetProperty("items").EnumerateArray().Select(i => new { itemId = i.GetProperty("itemId").GetString(), ok = true }).ToArray();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance",
            new { round = round.GetProperty("round").GetInt32(), verdicts }), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "closed");

        // Paid: 2 x 0.80 to the worker, 0.40 of percent fees and the 2.60 top-up to the platform; the rest comes back.
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(10.00m - 1.60m - 3.00m));
        Assert.That(wallet.Money("reserved"), Is.Zero);
    }

    [Test]
    public async Task A_cancelled_order_pays_only_the_percent_on_approved_work()
    {
        await SetFees("text-classification", new { percent = 20m, minimumPerOrder = 3.00m }, HttpStatusCode.OK);
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 1.00m);
        await WorkAllAsync(worker, enterprise, orderId, max: 1);

        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") > 0, "refunded");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(9.00m), "one unit (0.80 + 0.20 fee), no minimum");
    }

    [Test]
    public async Task Only_an_operator_sets_fees_and_bad_terms_are_refused_naming_the_field()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var forbidden = await Api.Send(enterprise.Http, HttpMethod.Put, "/api/orders/fees/text-classification", new { percent = 0m, minimumPerOrder = 0m });
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var tooMuch = await SetFees("text-classification", new { percent = 150m, minimumPerOrder = 0m }, HttpStatusCode.BadRequest);
        Assert.That(tooMuch.GetProperty("errors").TryGetProperty("percent", out _), Is.True, tooMuch.ToString());
        var negative = await SetFees("text-classification", new { percent = 5m, minimumPerOrder = -1m }, HttpStatusCode.BadRequest);
        Assert.That(negative.GetProperty("errors").TryGetProperty("minimumPerOrder", out _), Is.True, negative.ToString());
        var unknown = await SetFees("poetry", new { percent = 5m, minimumPerOrder = 0m }, HttpStatusCode.BadRequest);
        Assert.That(unknown.GetProperty("errors").TryGetProperty("taskType", out _), Is.True, unknown.ToString());
        var schedule = await _operator.GetAsync("/api/orders/fees");
        Assert.That(schedule.EnumerateArray().Single(t => t.GetProperty("taskType").GetString() == "text-classification").Money("percent"), Is.EqualTo(10m),
            "nothing changed");
    }
}
