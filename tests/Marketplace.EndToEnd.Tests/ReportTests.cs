using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Statements, the operator report and period close, checked against figures computed by hand from movements made
/// through the real flows. The seeded orders are in the 'geographic' industry, which no other test uses, so that row of
/// the platform-wide report is this test's alone. Non-parallel: it stops RabbitMQ to make a fact arrive late.
/// </summary>
[TestFixture, NonParallelizable]
public class ReportTests
{
    private const string Industry = "geographic";

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToUniversalTime().ToString("O"));

    private static string M(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>The tidy CSV as (section, key, metric) → value text.</summary>
    private static async Task<Dictionary<(string, string, string), string>> CsvAsync(Actor actor, string path, bool viaAccept = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, viaAccept ? path : path + (path.Contains('?') ? "&" : "?") + "format=csv");
        if (viaAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await actor.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("section,key,industry,task_type,metric,value"));
        return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1], f[4]), f => f[5]);
    }

    private static async Task<JsonElement> AcceptAsync(Actor enterprise, Guid orderId)
    {
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = (await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance"))[0];
        var body = new
        {
            round = round.GetProperty("round").GetInt32(),
            verdicts = round.GetProperty("items").EnumerateArray().Select(i => new { itemId = i.GetProperty("itemId").GetString(), ok = true }).ToArray(),
        };
        var outcome = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", body), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "closed");
        return outcome;
    }

    private static async Task<Guid> SubmitOneAsync(Actor worker, Guid orderId)
    {
        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        var id = claim.GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        return id;
    }

    /// <summary>The enterprise approves (the review window is long: nothing approves it first).</summary>
    private static async Task ApproveAsync(Actor enterprise, Guid assignmentId) =>
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{assignmentId}/approve"), HttpStatusCode.OK);

    private static async Task<decimal> PayableAsync(Actor op, Guid workerId)
    {
        var accounts = await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={workerId}");
        return accounts.GetArrayLength() == 0 ? 0m : -accounts[0].Money("balance");
    }

    private static JsonElement Row(JsonElement report, string list, string name, string value) =>
        report.GetProperty(list).EnumerateArray().Single(r => r.GetProperty(name).GetString() == value).GetProperty("figures");

    [Test]
    public async Task A_closed_period_answers_its_hand_computed_figures_in_JSON_and_CSV_and_a_late_fact_goes_to_the_next_period()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var w1 = await Api.SignUpAsync("worker");
        var w2 = await Api.SignUpAsync("worker");
        foreach (var worker in new[] { w1, w2 }) await Scenario.PayoutMethodAsync(worker); // batches pay only these
        await Scenario.DepositAsync(enterprise, 100.00m);

        // Order A: four items at 1.37, two labelled by each worker, approved, accepted, paid out.
        var a = await Scenario.PublishedOrderWithAsync(enterprise, new { industry = Industry, sampleSize = 2, passThreshold = 1m }, items: 4, unitPrice: 1.37m);
        var order = await enterprise.GetAsync($"/api/orders/orders/{a}");
        const decimal reward = 1.2330m, fee = 0.1370m;
        Assert.That((order.Money("workerReward"), order.Money("platformFee")), Is.EqualTo((reward, fee)), "1.37: 10% to the platform, the rest to the worker");
        foreach (var worker in new[] { w1, w2, w1, w2 })
            await ApproveAsync(enterprise, await SubmitOneAsync(worker, a));
        await AcceptAsync(enterprise, a);
        // Order B: two items at 2.00, funded, not worked yet.
        var b = await Scenario.PublishedOrderWithAsync(enterprise, new { industry = Industry }, items: 2, unitPrice: 2.00m);

        var earned = 2 * reward;
        var paid = decimal.Floor(earned * 100m) / 100m;
        await Api.EventuallyAsync(async () => await PayableAsync(op, w1.UserId) == earned && await PayableAsync(op, w2.UserId) == earned,
            "settlement booked the four approvals");
        foreach (var worker in new[] { w1, w2 })
        {
            await Jobs.ReleaseEarningsAsync(worker, earned);
            await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("available") == earned,
                "the earnings' hold is over");
        }
        await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => await PayableAsync(op, w1.UserId) == earned - paid && await PayableAsync(op, w2.UserId) == earned - paid,
            "both workers were paid and settlement booked it");

        // A late fact: w1's answer on B is submitted and approved while RabbitMQ is down, so settlement hears of it only
        // after the close.
        DateTimeOffset end;
        await Cluster.StopRabbitMqAsync();
        try
        {
            var late = await SubmitOneAsync(w1, b);
            await ApproveAsync(enterprise, late);
            // Evidence that tasks has put the approval in its outbox: it is in an approval batch (same transaction).
            await Api.EventuallyAsync(async () =>
            {
                await using var tasks = new Npgsql.NpgsqlConnection(Cluster.Database("tasks"));
                await tasks.OpenAsync();
                await using var query = new Npgsql.NpgsqlCommand("SELECT approval_batch_id IS NOT NULL FROM assignments WHERE id = @id", tasks);
                query.Parameters.AddWithValue("id", late);
                return await query.ExecuteScalarAsync() is true;
            }, "tasks batched the late approval");
            end = DateTimeOffset.UtcNow;
            var closed = await Api.ReadAsync(await op.PostAsync("/api/settlement/periods", new { from = start, to = end }), HttpStatusCode.Created);
            Assert.That(closed.GetProperty("frozen").GetBoolean(), Is.True);
        }
        finally
        {
            await Cluster.StartRabbitMqAsync();
        }
        const decimal lateReward = 1.80m; // 2.00 less the 10% fee
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{b}")).Money("workerReward"), Is.EqualTo(lateReward));
        await Api.EventuallyAsync(async () => await PayableAsync(op, w1.UserId) == earned - paid + lateReward, "the late approval is booked", TimeSpan.FromSeconds(120));

        // By hand: the closed period holds A's work and payouts and both escrows; the late approval is not in it.
        var bytes = Enumerable.Range(0, 4).Sum(i => (long)Encoding.UTF8.GetByteCount(Scenario.Reviews[i % Scenario.Reviews.Length]));
        var expected = new Dictionary<string, decimal>
        {
            ["gmv"] = 4 * 1.37m, ["fees"] = 4 * fee, ["worker_earnings"] = 4 * reward, ["escrowed"] = 4 * 1.37m + 4.00m,
            ["escrow_outstanding"] = 4.00m, ["payouts"] = 2 * paid, ["worker_payables"] = 2 * (earned - paid), ["output_value"] = 4 * 1.37m,
        };
        var counts = new Dictionary<string, long>
        {
            ["assignments_approved"] = 4, ["datasets_delivered"] = 1, ["items_labeled"] = 4, ["data_bytes_labeled"] = bytes,
            ["enterprises_served"] = 1, ["vendors"] = 0, ["active_workers"] = 2,
        };
        var path = $"/api/settlement/reports/operator?from={Q(start)}&to={Q(end)}";
        var report = await op.GetAsync(path);
        var geo = Row(report, "byIndustry", "industry", Industry);
        var csv = await CsvAsync(op, path);
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("frozen").GetBoolean(), Is.True, "a closed period answers its stored report");
            foreach (var (metric, value) in expected)
            {
                var json = char.ToLowerInvariant(metric[0]) + string.Concat(metric.Split('_').Select((p, i) => i == 0 ? p[1..] : char.ToUpperInvariant(p[0]) + p[1..]));
                Assert.That(geo.Money(json), Is.EqualTo(value), metric);
                Assert.That(csv[("industry", Industry, metric)], Is.EqualTo(M(value)), $"CSV {metric}");
            }
            foreach (var (metric, value) in counts)
            {
                var json = char.ToLowerInvariant(metric[0]) + string.Concat(metric.Split('_').Select((p, i) => i == 0 ? p[1..] : char.ToUpperInvariant(p[0]) + p[1..]));
                Assert.That(geo.GetProperty(json).GetInt64(), Is.EqualTo(value), metric);
                Assert.That(csv[("industry", Industry, metric)], Is.EqualTo(value.ToString(CultureInfo.InvariantCulture)), $"CSV {metric}");
            }
            Assert.That(geo.Money("dataTerabytesLabeled"), Is.EqualTo(decimal.Round(bytes / 1_000_000_000_000m, 6)));
            // The totals are the sum of the industries (and of the task types), to the unit.
            foreach (var money in new[] { "gmv", "fees", "escrowOutstanding", "payouts", "workerPayables" })
            {
                Assert.That(report.GetProperty("byIndustry").EnumerateArray().Sum(r => r.GetProperty("figures").Money(money)),
                    Is.EqualTo(report.GetProperty("totals").Money(money)), $"industries add up to the total {money}");
                Assert.That(report.GetProperty("byTaskType").EnumerateArray().Sum(r => r.GetProperty("figures").Money(money)),
                    Is.EqualTo(report.GetProperty("totals").Money(money)), $"task types add up to the total {money}");
            }
        });

        // The next period reports the late approval (at the closed period's end), and the closed one still does not.
        var next = await op.GetAsync($"/api/settlement/reports/operator?from={Q(end)}&to={Q(DateTimeOffset.UtcNow.AddMinutes(1))}");
        var nextGeo = Row(next, "byIndustry", "industry", Industry);
        Assert.That(nextGeo.Money("gmv"), Is.EqualTo(2.00m));
        Assert.That(nextGeo.GetProperty("assignmentsApproved").GetInt64(), Is.EqualTo(1));
        Assert.That(next.GetProperty("frozen").GetBoolean(), Is.False);
        var again = await op.GetAsync(path);
        Assert.That(again.GetRawText(), Is.EqualTo(report.GetRawText()), "the closed period's figures never move");
        Assert.That(await CsvAsync(op, path, viaAccept: true), Is.EquivalentTo(csv));
        var periodId = report.GetProperty("periodId").GetGuid();
        Assert.That((await op.GetAsync($"/api/settlement/periods/{periodId}/report")).GetRawText(), Is.EqualTo(report.GetRawText()));
        Assert.That((await op.GetAsync("/api/settlement/periods")).EnumerateArray().Select(p => p.GetProperty("id").GetGuid()), Does.Contain(periodId));

        // The enterprise's statement for the closed period: spend by order, wallet opening and closing.
        var statementPath = $"/api/settlement/statements/enterprise?from={Q(start)}&to={Q(end)}";
        var statement = await enterprise.GetAsync(statementPath);
        var orders = statement.GetProperty("orders").EnumerateArray().ToDictionary(o => o.GetProperty("orderId").GetGuid());
        var scsv = await CsvAsync(enterprise, statementPath);
        Assert.Multiple(() =>
        {
            Assert.That(statement.Money("openingBalance"), Is.EqualTo(0m));
            Assert.That(statement.Money("closingBalance"), Is.EqualTo(100.00m - 5.48m - 4.00m));
            Assert.That(scsv[("wallet", "", "closing_balance")], Is.EqualTo(M(100.00m - 5.48m - 4.00m)));
            Assert.That(orders.Keys, Is.EquivalentTo(new[] { a, b }));
            Assert.That(orders[a].Money("escrowed"), Is.EqualTo(5.48m));
            Assert.That(orders[a].Money("spentOnWork"), Is.EqualTo(4 * reward));
            Assert.That(orders[a].Money("fees"), Is.EqualTo(4 * fee));
            Assert.That(orders[a].Money("released"), Is.EqualTo(0m));
            Assert.That(orders[a].Money("escrowAtEnd"), Is.EqualTo(0m));
            Assert.That(orders[a].GetProperty("industry").GetString(), Is.EqualTo(Industry));
            Assert.That(orders[b].Money("escrowed"), Is.EqualTo(4.00m));
            Assert.That(orders[b].Money("escrowAtEnd"), Is.EqualTo(4.00m), "the late approval is not in this period");
            Assert.That(scsv[("order", a.ToString(), "spent_on_work")], Is.EqualTo(M(4 * reward)));
            Assert.That(scsv[("order", b.ToString(), "escrow_at_end")], Is.EqualTo(M(4.00m)));
            Assert.That(scsv[("total", "", "fees")], Is.EqualTo(M(4 * fee)));
        });

        // The worker's statement: earnings and payouts in the period, and what is still owed.
        var workerPath = $"/api/settlement/statements/worker?from={Q(start)}&to={Q(end)}";
        var ws = await w1.GetAsync(workerPath);
        var wcsv = await CsvAsync(w1, workerPath);
        Assert.Multiple(() =>
        {
            Assert.That(ws.Money("openingPayable"), Is.EqualTo(0m));
            Assert.That(ws.Money("totalEarned"), Is.EqualTo(earned));
            Assert.That(ws.Money("totalPaidOut"), Is.EqualTo(paid));
            Assert.That(ws.Money("closingPayable"), Is.EqualTo(earned - paid));
            Assert.That(ws.GetProperty("earnings")[0].GetProperty("assignments").GetInt64(), Is.EqualTo(2));
            Assert.That(wcsv[("total", "", "earned")], Is.EqualTo(M(earned)));
            Assert.That(wcsv[("payable", "", "closing_payable")], Is.EqualTo(M(earned - paid)));
        });
        // An operator reads the same statement by naming the worker.
        var byOperator = await op.GetAsync($"{workerPath}&partyId={w1.UserId}");
        Assert.That(byOperator.Money("closingPayable"), Is.EqualTo(earned - paid));

        // The daily series adds up to the period's totals.
        var daily = await op.GetAsync($"/api/settlement/reports/daily?from={Q(start.Date)}&to={Q(start.Date.AddDays(2))}");
        Assert.That(daily.GetProperty("days").GetArrayLength(), Is.EqualTo(2));
        Assert.That(daily.GetProperty("days").EnumerateArray().Sum(d => d.Money("gmv")), Is.GreaterThanOrEqualTo(5.48m + 2.00m));
    }

    [Test]
    public async Task Closing_a_period_twice_or_overlapping_is_409_and_bad_input_names_the_field()
    {
        var op = await Api.OperatorAsync();
        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-2);
        var closed = await Api.ReadAsync(await op.PostAsync("/api/settlement/periods", new { month = month.ToString("yyyy-MM") }), HttpStatusCode.Created);
        Assert.That(closed.GetProperty("from").GetDateTimeOffset(), Is.EqualTo(month));
        Assert.That(closed.GetProperty("to").GetDateTimeOffset(), Is.EqualTo(month.AddMonths(1)));
        await Api.ReadAsync(await op.PostAsync("/api/settlement/periods", new { month = month.ToString("yyyy-MM") }), HttpStatusCode.Conflict);
        await Api.ReadAsync(await op.PostAsync("/api/settlement/periods", new { from = month.AddDays(10), to = month.AddMonths(1).AddDays(3) }), HttpStatusCode.Conflict);

        async Task Bad(Actor actor, string path, string field, HttpStatusCode status = HttpStatusCode.BadRequest, object? body = null)
        {
            var response = body is null ? await actor.Http.GetAsync(path) : await actor.PostAsync(path, body);
            var problem = await Api.ReadAsync(response, status);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{path} names '{field}': {problem}");
        }
        var from = Q(now.AddDays(-1));
        var to = Q(now);
        await Bad(op, $"/api/settlement/reports/operator?from=yesterday&to={to}", "from");
        await Bad(op, $"/api/settlement/reports/operator?from={to}&to={from}", "to");
        await Bad(op, $"/api/settlement/reports/operator?from={from}", "to");
        await Bad(op, $"/api/settlement/reports/operator?from={from}&to={to}&format=xml", "format");
        await Bad(op, $"/api/settlement/reports/daily?from={Q(now.AddYears(-3))}&to={to}", "to");
        await Bad(op, $"/api/settlement/statements/enterprise?from={from}&to={to}&partyId={Guid.NewGuid()}", "partyId", HttpStatusCode.NotFound);
        await Bad(op, $"/api/settlement/statements/enterprise?from={from}&to={to}", "partyId");
        await Bad(op, $"/api/settlement/statements/customer?from={from}&to={to}", "party");
        await Bad(op, "/api/settlement/periods", "to", body: new { from = now.AddHours(-1), to = now.AddHours(1) });
        await Bad(op, "/api/settlement/periods", "month", body: new { month = "2026-13" });
        await Bad(op, "/api/settlement/periods", "from", body: new { from = "soon", to = now });

        // Each role sees only its own statement; the operator report is the operator's.
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 1.00m);
        var own = await enterprise.GetAsync($"/api/settlement/statements/enterprise?from={from}&to={Q(now.AddMinutes(5))}");
        Assert.That(own.Money("closingBalance"), Is.EqualTo(1.00m));
        await Bad(worker, $"/api/settlement/statements/worker?from={from}&to={to}&partyId={enterprise.UserId}", "partyId", HttpStatusCode.NotFound);
        Assert.That((await worker.Http.GetAsync($"/api/settlement/statements/enterprise?from={from}&to={to}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await enterprise.Http.GetAsync($"/api/settlement/reports/operator?from={from}&to={to}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await enterprise.PostAsync("/api/settlement/periods", new { month = "2020-01" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Api.Anonymous().GetAsync($"/api/settlement/statements/worker?from={from}&to={to}")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var vendor = await Api.SignUpAsync("vendor");
        var vs = await vendor.GetAsync($"/api/settlement/statements/vendor?from={from}&to={to}");
        Assert.That(vs.GetProperty("orders").GetArrayLength(), Is.Zero, "a vendor's statement has its shape before vendor contracts exist");
        Assert.That(vs.GetProperty("totals").Money("margin"), Is.Zero);
    }
}
