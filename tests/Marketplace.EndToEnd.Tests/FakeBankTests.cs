using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>The payment rail fails in the ways real ones do; no failure loses a worker's money or pays it twice.</summary>
[TestFixture, NonParallelizable]
public class FakeBankTests : FakeBankFixture
{
    private async Task RunBatch() =>
        await Api.ReadAsync(await Operator.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted);

    /// <summary>A worker with one approved assignment worth 0.90 (unit price 1.00, 10% fee).</summary>
    private static async Task<Actor> WorkerWithEarningsAsync()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.PayoutMethodAsync(worker);
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        var id = claim.GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "negative" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        await Jobs.ReleaseEarningsAsync(worker, 0.90m);
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("available") == 0.90m, "the worker earned 0.90");
        return worker;
    }

    private async Task<JsonElement> PayoutOf(Actor worker, Func<JsonElement, bool> condition, string what)
    {
        JsonElement found = default;
        await Api.EventuallyAsync(async () =>
        {
            var payouts = await worker.GetAsync("/api/payouts/payouts");
            var match = payouts.EnumerateArray().Where(condition).ToList();
            if (match.Count > 0) found = match[0];
            return match.Count > 0;
        }, what);
        return found;
    }

    [Test]
    public async Task A_declined_payout_returns_the_money_to_the_worker_with_the_reason()
    {
        var worker = await WorkerWithEarningsAsync();
        await SetMode("decline");
        await RunBatch();

        var failed = await PayoutOf(worker, p => p.GetProperty("status").GetString() == "failed", "the payout is declined");
        Assert.That(failed.GetProperty("failureReason").GetString(), Does.Contain("Declined"));
        Assert.That((await worker.GetAsync("/api/payouts/earnings")).Money("available"), Is.EqualTo(0.90m), "the money is back");
        Assert.That((await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}")).GetArrayLength(), Is.Zero);

        await SetMode("succeed");
        await RunBatch();
        await PayoutOf(worker, p => p.GetProperty("status").GetString() == "sent", "the next batch pays");
        Assert.That((await worker.GetAsync("/api/payouts/earnings")).Money("available"), Is.EqualTo(0m));
        Assert.That((await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}")).GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_payout_the_bank_did_not_answer_is_asked_about_again_and_paid_once()
    {
        var worker = await WorkerWithEarningsAsync();
        await SetMode("timeout");
        await RunBatch();

        var pending = await PayoutOf(worker, p => p.GetProperty("attempts").GetInt32() >= 1, "the bank was asked once");
        Assert.That(pending.GetProperty("status").GetString(), Is.EqualTo("pending"), "no answer: neither sent nor failed");
        Assert.That((await worker.GetAsync("/api/payouts/earnings")).Money("available"), Is.EqualTo(0m), "the money is in flight");

        await SetMode("succeed");
        await RunBatch();
        await PayoutOf(worker, p => p.GetProperty("status").GetString() == "sent", "asking again with the same reference settles it");
        var transfers = await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}");
        Assert.That(transfers.GetArrayLength(), Is.EqualTo(1), "the bank took the money once");
        Assert.That(transfers[0].Money("amount"), Is.EqualTo(0.90m));
    }

    [Test]
    public async Task A_bank_that_confirms_twice_by_callback_pays_once_and_the_second_confirmation_changes_nothing()
    {
        var worker = await WorkerWithEarningsAsync();
        await SetMode("duplicate-callback");
        await RunBatch();

        var sent = await PayoutOf(worker, p => p.GetProperty("status").GetString() == "sent", "the callback confirms the payout");
        JsonElement transfers = default;
        await Api.EventuallyAsync(async () =>
        {
            transfers = await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}");
            return transfers.GetArrayLength() == 1 && transfers[0].GetProperty("callbacks").GetInt32() == 2;
        }, "the bank called back twice");
        Assert.That(transfers[0].Money("amount"), Is.EqualTo(0.90m));
        Assert.That((await worker.GetAsync("/api/payouts/payouts")).GetArrayLength(), Is.EqualTo(1));
        var earnings = await worker.GetAsync("/api/payouts/earnings");
        Assert.That(earnings.Money("available"), Is.Zero);
        Assert.That(earnings.Money("paidOut"), Is.EqualTo(0.90m));
        Assert.That(earnings.Money("inFlight"), Is.Zero);

        // The callback endpoint itself: a forged confirmation is refused, a genuine repeat changes nothing.
        var reference = transfers[0].GetProperty("reference").GetString()!;
        using var bank = Api.Anonymous();
        var forged = await Api.Send(bank, HttpMethod.Post, "/api/payouts/rail/callbacks", new { reference, status = "paid" });
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var signature = Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(Convert.FromBase64String(Cluster.RailCallbackSecret),
            System.Text.Encoding.UTF8.GetBytes($"rail-callback\n{reference}\npaid"))).ToLowerInvariant();
        var repeat = new HttpRequestMessage(HttpMethod.Post, "/api/payouts/rail/callbacks")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reference, status = "paid" }),
        };
        repeat.Headers.Add("X-Rail-Signature", signature);
        var answer = await Api.ReadAsync(await bank.SendAsync(repeat), HttpStatusCode.OK);
        Assert.That(answer.GetProperty("changed").GetBoolean(), Is.False);

        var op = Operator;
        await Api.EventuallyAsync(async () =>
        {
            var payable = await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={worker.UserId}");
            return payable.GetArrayLength() == 1 && payable[0].Money("balance") == 0m;
        }, "settlement booked the payout once");
        await Task.Delay(1000);
        Assert.That((await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={worker.UserId}"))[0].Money("balance"), Is.Zero);
        Assert.That(sent.GetProperty("destination").GetString(), Is.EqualTo("**** **** **** 1111"));
    }
}
