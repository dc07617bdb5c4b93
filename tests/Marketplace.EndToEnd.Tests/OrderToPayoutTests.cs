using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

[TestFixture]
public class OrderToPayoutTests
{
    [Test]
    public async Task An_order_travels_from_posting_to_payout_and_the_ledger_balances()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var workers = new[] { await Api.SignUpAsync("worker"), await Api.SignUpAsync("worker") };
        foreach (var worker in workers) await Scenario.PayoutMethodAsync(worker);

        await Scenario.DepositAsync(enterprise, 100.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 3, unitPrice: 1.20m);
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        // 1.20 a slot, the default 10% of it the platform's: 1.08 to the worker, 0.12 to the platform.
        const decimal reward = 1.08m, fee = 0.12m;
        Assert.That((order.Money("workerReward"), order.Money("platformFee")), Is.EqualTo((reward, fee)));

        // Work started: the reserved budget moves into escrow (settlement hears of it shortly after tasks).
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("inEscrow") == 3.60m, "the budget is in escrow");
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(100.00m - 3.60m));
        Assert.That(wallet.Money("reserved"), Is.Zero);

        // Two workers take turns claiming until the order has no more work for them.
        var claimed = new List<(Actor Worker, Guid AssignmentId, string ItemId)>();
        for (var round = 0; round < 4; round++)
        {
            foreach (var worker in workers)
            {
                var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
                if (response.StatusCode == HttpStatusCode.NoContent) continue;
                var assignment = await Api.ReadAsync(response, HttpStatusCode.OK);
                var id = assignment.GetProperty("assignmentId").GetGuid();
                claimed.Add((worker, id, assignment.GetProperty("itemId").GetString()!));
                await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            }
        }
        Assert.That(claimed, Has.Count.EqualTo(3), "every item was handed out once");
        Assert.That(claimed.Select(c => c.ItemId).Distinct().Count(), Is.EqualTo(3));
        foreach (var worker in workers)
        {
            Assert.That(claimed.Where(c => c.Worker == worker).Select(c => c.ItemId), Is.Unique, "a worker never gets the same item twice");
            Assert.That((await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        // The enterprise reviews two; the third is approved automatically once its review window is over.
        foreach (var (_, id, _) in claimed.Take(2))
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        var unreviewed = claimed[2].AssignmentId;
        await Jobs.AutoApproveNowAsync(unreviewed);
        await Api.EventuallyAsync(async () =>
            (await enterprise.GetAsync($"/api/tasks/assignments/{unreviewed}")).GetProperty("status").GetString() == "approved",
            "the unreviewed submission is approved automatically");
        Assert.That((await enterprise.GetAsync($"/api/tasks/assignments/{unreviewed}")).GetProperty("autoApproved").GetBoolean(), Is.True);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        // Payouts credits each worker with exactly the rewards of their approved assignments, available after the hold.
        var expected = workers.ToDictionary(w => w.UserId, w => claimed.Count(c => c.Worker == w) * reward);
        Assert.That(expected.Values.Sum(), Is.EqualTo(3 * reward));
        foreach (var worker in workers)
        {
            await Jobs.ReleaseEarningsAsync(worker, expected[worker.UserId]);
            await Jobs.ReleasedAsync(worker, expected[worker.UserId]);
        }

        // Two batches and a replayed request: each worker is still paid exactly once.
        var key = Guid.NewGuid().ToString();
        var first = await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, key), HttpStatusCode.Accepted);
        var replay = await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, key), HttpStatusCode.Accepted);
        Assert.That(replay.GetProperty("requestId").GetInt64(), Is.EqualTo(first.GetProperty("requestId").GetInt64()));
        await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted);

        // The operator follows the triggered batch to its Hangfire job, finished.
        var requestId = first.GetProperty("requestId").GetInt64();
        string? jobId = null;
        await Api.EventuallyAsync(async () => (jobId = (await op.GetAsync($"/api/payouts/ops/jobs/requests/{requestId}")).GetProperty("jobId").GetString()) is not null,
            $"payout-batch request {requestId} reached Hangfire");
        await Jobs.SucceededAsync(op, "payouts", jobId!);

        foreach (var worker in workers)
        {
            var paid = decimal.Floor(expected[worker.UserId] * 100m) / 100m;
            // Another fixture may run a batch while this one waits for its last approval: the worker may then be paid in
            // two payouts. Either way each payout reaches the bank once, and the total is what was earned, to the fen.
            JsonElement transfers = default;
            await Api.EventuallyAsync(async () =>
            {
                transfers = await op.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}");
                return transfers.EnumerateArray().Sum(t => t.Money("amount")) >= paid;
            }, $"the bank received {paid} for worker {worker.UserId}");
            await Task.Delay(1500); // give a duplicate payout, if there were one, the time to arrive
            transfers = await op.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}");
            var payouts = await worker.GetAsync("/api/payouts/payouts");
            Assert.That(transfers.EnumerateArray().Sum(t => t.Money("amount")), Is.EqualTo(paid), "paid exactly once");
            Assert.That(transfers.EnumerateArray().Select(t => t.GetProperty("reference").GetString()).ToList(), Is.Unique,
                "no payout reached the bank twice");
            Assert.That(transfers.GetArrayLength(), Is.EqualTo(payouts.GetArrayLength()), "one transfer per payout");
            Assert.That(payouts.EnumerateArray().Select(p => p.GetProperty("status").GetString()), Has.All.EqualTo("sent"));
            var earnings = await worker.GetAsync("/api/payouts/earnings");
            Assert.That(earnings.Money("available"), Is.EqualTo(expected[worker.UserId] - paid), "the residue below a fen stays available");
        }

        // Settlement booked every movement: escrow spent, fees earned, payables settled, ledger balanced.
        foreach (var worker in workers)
        {
            var paid = decimal.Floor(expected[worker.UserId] * 100m) / 100m;
            await Api.EventuallyAsync(async () =>
            {
                var accounts = await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={worker.UserId}");
                return accounts.GetArrayLength() == 1 && -accounts[0].Money("balance") == expected[worker.UserId] - paid;
            }, $"settlement shows worker {worker.UserId} owed only the residue");
        }
        var escrow = await op.GetAsync($"/api/settlement/accounts?kind=escrow&ownerId={orderId}");
        Assert.That(escrow[0].Money("balance"), Is.EqualTo(0m), "every approval released its price from escrow");
        var walletAfter = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(walletAfter.Money("available"), Is.EqualTo(96.40m));

        var report = await op.GetAsync(
            $"/api/settlement/reports/period?from={DateTimeOffset.UtcNow.AddHours(-1):O}&to={DateTimeOffset.UtcNow.AddHours(1):O}".Replace("+", "%2B"));
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("balanced").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("unbalancedTransactions").GetInt64(), Is.Zero);
            Assert.That(report.Money("moneyIn"), Is.GreaterThanOrEqualTo(100.00m));
            Assert.That(report.Money("platformFees"), Is.GreaterThanOrEqualTo(3 * fee));
            Assert.That(report.Money("paidToWorkers"), Is.GreaterThanOrEqualTo(expected.Values.Sum(v => decimal.Floor(v * 100m) / 100m)));
        });
    }

    [Test]
    public async Task An_order_the_wallet_cannot_cover_fails_funding_and_moves_no_money()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 1.00m);
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 3, unitPrice: 1.20m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);

        await Scenario.WaitForStatusAsync(enterprise, orderId, "funding_failed");
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("fundingFailureReason").GetString(), Does.Contain("3.60"));
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(1.00m));
        Assert.That(wallet.Money("inEscrow"), Is.EqualTo(0m));

        // After a top-up, publishing again funds it.
        await Scenario.DepositAsync(enterprise, 5.00m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(6.00m - 3.60m));
    }
}
