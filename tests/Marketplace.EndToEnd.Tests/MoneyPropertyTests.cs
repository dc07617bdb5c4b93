using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// The bank-style test: thousands of random operations at once (deposits, orders published and escrowed, work claimed,
/// submitted and approved, cancellations, bonuses, reversals, payouts in every bank mode) through the gateway, against two
/// instances each of settlement and payouts. Afterwards: every ledger transaction balances, no wallet, escrow or payable is
/// overdrawn, each worker's payable in the ledger equals payouts' held + available + in flight, and the bank received each
/// payout once. It changes the fake bank's mode, so it runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public class MoneyPropertyTests
{
    private const int Operations = 2000;
    private const int Lanes = 8;

    private sealed record Approved(Guid OrderId, Guid WorkerId);

    [Test]
    public async Task Random_concurrent_money_operations_leave_every_invariant_holding()
    {
        var seed = Environment.GetEnvironmentVariable("MARKETPLACE_PROPERTY_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed} (MARKETPLACE_PROPERTY_SEED repeats a run)");
        var started = DateTimeOffset.UtcNow.AddMinutes(-1);
        var op = await Api.OperatorAsync();
        var enterprises = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Api.SignUpAsync("enterprise")));
        var workers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Api.SignUpAsync("worker")));
        foreach (var worker in workers) await Scenario.PayoutMethodAsync(worker);
        foreach (var enterprise in enterprises) await Scenario.DepositAsync(enterprise, 60.00m);

        var orders = new ConcurrentDictionary<Guid, Actor>();
        var cancelled = new ConcurrentDictionary<Guid, bool>();
        var submitted = new ConcurrentQueue<(Guid AssignmentId, Guid OrderId, Actor Worker)>();
        var approved = new ConcurrentBag<Approved>();
        var serverErrors = new ConcurrentBag<string>();
        var counts = new ConcurrentDictionary<string, int>();

        async Task<HttpResponseMessage> Checked(Task<HttpResponseMessage> call, string what)
        {
            var response = await call;
            if ((int)response.StatusCode >= 500) serverErrors.Add($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            counts.AddOrUpdate($"{what} {(int)response.StatusCode}", 1, (_, n) => n + 1);
            return response;
        }

        async Task PublishAsync(Random random, Actor enterprise)
        {
            var body = Scenario.OrderBody(items: random.Next(2, 5), unitPrice: random.Next(50, 300) / 100m + random.Next(0, 100) / 10_000m);
            var created = await Checked(enterprise.PostAsync("/api/orders/orders", body), "create order");
            if (created.StatusCode != HttpStatusCode.Created) return;
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
            await Checked(enterprise.PostAsync($"/api/orders/orders/{id}/publish"), "publish");
            orders[id] = enterprise;
        }

        foreach (var enterprise in enterprises)
            for (var i = 0; i < 3; i++) await PublishAsync(new Random(seed + i), enterprise);

        var modes = new[] { "succeed", "succeed", "decline", "timeout", "duplicate-callback" };
        var done = 0;
        async Task Lane(int lane)
        {
            var random = new Random(seed * 31 + lane);
            while (Interlocked.Increment(ref done) <= Operations)
            {
                var enterprise = enterprises[random.Next(enterprises.Length)];
                var worker = workers[random.Next(workers.Length)];
                var roll = random.Next(100);
                var open = orders.Keys.Where(o => !cancelled.ContainsKey(o)).ToArray();
                if (roll < 6)
                {
                    var key = Guid.NewGuid().ToString();
                    var amount = random.Next(100, 2000) / 100m;
                    await Checked(enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount, currency = "CNY" }, key), "deposit");
                    if (random.Next(4) == 0) await Checked(enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount, currency = "CNY" }, key), "deposit replay");
                    if (random.Next(4) == 0)
                    {
                        var changed = await Checked(enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = amount + 1, currency = "CNY" }, key), "deposit other body");
                        if (changed.StatusCode != (HttpStatusCode)422) serverErrors.Add($"a reused key with another body answered {(int)changed.StatusCode}");
                    }
                }
                else if (roll < 10) await PublishAsync(random, enterprise);
                else if (roll < 50 && open.Length > 0)
                {
                    var orderId = open[random.Next(open.Length)];
                    var claim = await Checked(worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), "claim");
                    if (claim.StatusCode != HttpStatusCode.OK) continue;
                    var id = JsonDocument.Parse(await claim.Content.ReadAsStringAsync()).RootElement.GetProperty("assignmentId").GetGuid();
                    var sent = await Checked(worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = random.Next(2) == 0 ? "positive" : "negative" }), "submit");
                    if (sent.StatusCode == HttpStatusCode.OK) submitted.Enqueue((id, orderId, worker));
                }
                else if (roll < 66 && submitted.TryDequeue(out var work))
                {
                    var owner = orders[work.OrderId];
                    var answer = await Checked(owner.PostAsync($"/api/tasks/assignments/{work.AssignmentId}/approve"), "approve");
                    if (answer.StatusCode == HttpStatusCode.OK) approved.Add(new Approved(work.OrderId, work.Worker.UserId));
                }
                else if (roll < 67 && open.Length > 4)
                {
                    var orderId = open[random.Next(open.Length)];
                    var owner = orders[orderId];
                    var answer = await Checked(owner.PostAsync($"/api/orders/orders/{orderId}/cancel"), "cancel");
                    if (answer.StatusCode == HttpStatusCode.Accepted) cancelled[orderId] = true;
                }
                else if (roll < 75)
                {
                    var candidates = approved.Where(a => orders[a.OrderId] == enterprise).ToArray();
                    if (candidates.Length == 0) continue;
                    var pick = candidates[random.Next(candidates.Length)];
                    await Checked(enterprise.PostAsync("/api/settlement/bonuses", new
                    {
                        workerId = pick.WorkerId, orderId = pick.OrderId, amount = random.Next(1, 300) / 100m, currency = "CNY", reason = "property test",
                    }, Guid.NewGuid().ToString()), "bonus");
                }
                else if (roll < 81)
                {
                    var earnings = await Checked(op.Http.GetAsync($"/api/payouts/earnings?workerId={worker.UserId}"), "earnings");
                    var held = JsonDocument.Parse(await earnings.Content.ReadAsStringAsync()).RootElement.GetProperty("earnings").EnumerateArray()
                        .Where(e => e.GetProperty("status").GetString() == "held").Select(e => e.GetProperty("id").GetGuid()).ToArray();
                    if (held.Length == 0) continue;
                    await Checked(op.PostAsync($"/api/payouts/earnings/{held[random.Next(held.Length)]}/reverse", new { reason = "property test" },
                        Guid.NewGuid().ToString()), "reverse");
                }
                else if (roll < 87) await Checked(op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), "payout batch");
                else if (roll < 92) await Checked(worker.PostAsync("/api/payouts/payout-batches/me", null, Guid.NewGuid().ToString()), "pay me now");
                else if (roll < 95)
                    await Checked(Api.Send(op.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode = modes[random.Next(modes.Length)] }), "bank mode");
                else await Checked(enterprise.Http.GetAsync("/api/settlement/wallet"), "wallet");
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Lanes).Select(Lane));
        }
        finally
        {
            await Api.ReadAsync(await Api.Send(op.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode = "succeed" }), HttpStatusCode.OK);
        }
        TestContext.Out.WriteLine(string.Join("\n", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}")));
        Assert.That(serverErrors, Is.Empty, "no operation failed on the server");
        // A run where too little happened proves nothing: each kind of money movement must have succeeded often enough
        // (about a third of what a typical run does; seed 1474408489 did 114 deposits, 76 orders, 82 approvals, 157 bonuses,
        // 53 cancellations, 118 reversals).
        var minimums = new Dictionary<string, int>
        {
            ["deposit 201"] = 35, ["publish 202"] = 25, ["claim 200"] = 30, ["submit 200"] = 30, ["approve 200"] = 25,
            ["bonus 201"] = 40, ["cancel 202"] = 10, ["reverse 200"] = 30, ["payout batch 202"] = 40,
        };
        foreach (var (kind, least) in minimums)
            Assert.That(counts.GetValueOrDefault(kind), Is.GreaterThanOrEqualTo(least), $"'{kind}' happened too rarely for the run to prove anything");

        // End the holds, pay once more, then check (the check waits for messages and unanswered payouts to settle).
        await Jobs.ReleaseHeldEarningsAsync([.. workers.Select(w => w.UserId)]);
        await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted);
        var mismatches = new List<string>();
        await Api.EventuallyAsync(async () =>
        {
            mismatches.Clear();
            foreach (var worker in workers)
            {
                var ledger = await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={worker.UserId}");
                var payable = ledger.GetArrayLength() == 0 ? 0m : -ledger[0].Money("balance");
                var books = await op.GetAsync($"/api/payouts/earnings?workerId={worker.UserId}");
                var owed = books.Money("held") + books.Money("available") + books.Money("inFlight");
                if (payable != owed || books.Money("inFlight") != 0) mismatches.Add($"worker {worker.UserId}: ledger {payable}, payouts {owed} (in flight {books.Money("inFlight")})");
            }
            return mismatches.Count == 0;
        }, "the ledger's payables match payouts' books and nothing is in flight", TimeSpan.FromSeconds(60));

        var report = await op.GetAsync($"/api/settlement/reports/period?from={Uri.EscapeDataString(started.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        Assert.That(report.GetProperty("balanced").GetBoolean(), Is.True, report.ToString());
        Assert.That(report.GetProperty("unbalancedTransactions").GetInt64(), Is.Zero);

        foreach (var kind in new[] { "wallet", "escrow", "worker_payable", "platform_fee" })
        {
            var accounts = await op.GetAsync($"/api/settlement/accounts?kind={kind}&limit=5000");
            foreach (var account in accounts.EnumerateArray())
            {
                Assert.That(account.Money("balance"), Is.LessThanOrEqualTo(0m), $"{account.GetProperty("code")} is not overdrawn");
                Assert.That(account.Money("balance") + account.Money("pending"), Is.LessThanOrEqualTo(0m), $"{account.GetProperty("code")} covers its reservations");
            }
        }

        // The scheduled batches go on paying earnings as their holds end, so the bank and the books are compared once no
        // payout of the worker is pending (a payout is sent after the bank took it: read in between, they differ).
        foreach (var worker in workers)
        {
            await Api.EventuallyAsync(async () =>
            {
                var payouts = (await op.GetAsync($"/api/payouts/payouts?workerId={worker.UserId}")).EnumerateArray().ToList();
                var transfers = (await op.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}")).EnumerateArray().ToList();
                var books = await op.GetAsync($"/api/payouts/earnings?workerId={worker.UserId}");
                var references = transfers.Select(t => t.GetProperty("reference").GetString()).ToList();
                Assert.That(references, Is.Unique, "the bank received each payout once");
                var sent = payouts.Where(p => p.GetProperty("status").GetString() == "sent").ToList();
                return payouts.All(p => p.GetProperty("status").GetString() != "pending") && references.Count == sent.Count
                       && transfers.Sum(t => t.Money("amount")) == books.Money("paidOut");
            }, $"one transfer per sent payout for worker {worker.UserId}, and the bank's sum is the books'", TimeSpan.FromSeconds(90));
        }
        var paidWorkers = 0;
        foreach (var worker in workers)
            if ((await op.GetAsync($"/api/payouts/fake-bank/transfers?workerId={worker.UserId}")).GetArrayLength() > 0) paidWorkers++;
        Assert.That(paidWorkers, Is.GreaterThanOrEqualTo(3), "the bank paid most workers: money left the platform, not only moved inside it");
    }
}
