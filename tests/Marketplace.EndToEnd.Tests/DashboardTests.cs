using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// The operators' dashboard (settlement) counts real work: an order in the 'education' industry, which no other test
/// uses, is labeled, accepted and its workers paid, and that industry's figures are exactly this work's.
/// </summary>
[TestFixture]
public class DashboardTests
{
    private const string Industry = "education";

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToUniversalTime().ToString("O"));

    private static async Task<JsonElement> DashboardAsync(Actor op, string query) => await op.GetAsync($"/api/settlement/reports/dashboard?{query}");

    [Test]
    public async Task Dashboard_figures_change_after_real_work_in_total_and_in_the_bucket_it_happened()
    {
        var op = await Api.OperatorAsync();
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var window = $"interval=day&from={Q(today.AddDays(-3))}&to={Q(today.AddDays(2))}&industry={Industry}";
        var before = await DashboardAsync(op, window);
        Assert.That(before.GetProperty("series").GetArrayLength(), Is.EqualTo(5));
        Assert.That(before.GetProperty("totals").GetProperty("datasetsDelivered").GetInt64(), Is.Zero, "no other test works in this industry");

        var enterprise = await Api.SignUpAsync("enterprise");
        var w1 = await Api.SignUpAsync("worker");
        var w2 = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { industry = Industry, sampleSize = 2, passThreshold = 1m }, items: 2, unitPrice: 1.00m);
        foreach (var worker in new[] { w1, w2 })
        {
            var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
                .GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        }
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");
        var round = (await enterprise.GetAsync($"/api/orders/orders/{orderId}/acceptance"))[0];
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/acceptance", new
        {
            round = round.GetProperty("round").GetInt32(),
            verdicts = round.GetProperty("items").EnumerateArray().Select(i => new { itemId = i.GetProperty("itemId").GetString(), ok = true }).ToArray(),
        }), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "closed");

        JsonElement after = default;
        await Api.EventuallyAsync(async () =>
        {
            after = await DashboardAsync(op, window);
            return after.GetProperty("totals").GetProperty("datasetsDelivered").GetInt64() == 1;
        }, "settlement counts the accepted order");
        var totals = after.GetProperty("totals");
        Assert.That(totals.Money("gmv"), Is.EqualTo(2.00m));
        Assert.That(totals.Money("fees"), Is.EqualTo(0.20m));
        Assert.That(totals.Money("workerEarnings"), Is.EqualTo(1.80m));
        Assert.That(totals.Money("outputValue"), Is.EqualTo(2.00m));
        Assert.That(totals.GetProperty("assignmentsApproved").GetInt64(), Is.EqualTo(2));
        Assert.That(totals.GetProperty("itemsLabeled").GetInt64(), Is.EqualTo(2));
        Assert.That(totals.GetProperty("dataBytesLabeled").GetInt64(), Is.GreaterThan(0));
        Assert.That(totals.GetProperty("enterprisesServed").GetInt64(), Is.EqualTo(1));
        Assert.That(totals.GetProperty("activeWorkers").GetInt64(), Is.EqualTo(2));
        Assert.That(totals.GetProperty("payouts").GetDecimal(), Is.Zero, "a payout belongs to no industry");

        // Today's bucket holds it all; the others are zero; the series adds up to the totals.
        var series = after.GetProperty("series").EnumerateArray().ToList();
        var todays = series.Single(b => b.GetProperty("start").GetDateTimeOffset() == today).GetProperty("figures");
        Assert.That(todays.ToString(), Is.EqualTo(totals.ToString()));
        Assert.That(series.Where(b => b.GetProperty("start").GetDateTimeOffset() != today)
            .Select(b => b.GetProperty("figures").Money("gmv")), Has.All.Zero);

        // The whole platform, by month: at least this work, and this month's bucket has it.
        var platform = await DashboardAsync(op, "");
        Assert.That(platform.GetProperty("interval").GetString(), Is.EqualTo("month"));
        Assert.That(platform.GetProperty("series").GetArrayLength(), Is.EqualTo(12));
        Assert.That(platform.GetProperty("totals").Money("gmv"), Is.GreaterThanOrEqualTo(2.00m));
        Assert.That(platform.GetProperty("series")[11].GetProperty("figures").GetProperty("datasetsDelivered").GetInt64(), Is.GreaterThanOrEqualTo(1));
        var weekly = await DashboardAsync(op, $"interval=week&industry={Industry}");
        Assert.That(weekly.GetProperty("totals").Money("gmv"), Is.EqualTo(2.00m));
        var otherType = await DashboardAsync(op, $"interval=week&industry={Industry}&taskType=transcription");
        Assert.That(otherType.GetProperty("totals").Money("gmv"), Is.Zero);
    }

    [Test]
    public async Task Dashboard_refuses_bad_periods_and_intervals_naming_the_field_and_is_for_operators_only()
    {
        var op = await Api.OperatorAsync();
        foreach (var (query, field, code) in new[]
                 {
                     ("interval=year", "interval", "validation.not_allowed"),
                     ("from=2026-05-01&to=2026-04-01", "to", "validation.out_of_range"),
                     ("from=yesterday", "from", "validation.invalid"),
                     ("interval=day&from=2026-01-01&to=2026-06-01", "from", "validation.out_of_range"),
                     ("currency=USD", "currency", "validation.not_allowed"),
                 })
        {
            var problem = await Api.ReadAsync(await op.Http.GetAsync($"/api/settlement/reports/dashboard?{query}"), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{query}: {problem}");
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), query);
        }
        foreach (var role in new[] { "worker", "enterprise", "vendor" })
        {
            var someone = await Api.SignUpAsync(role, verified: false);
            var refused = await Api.ReadAsync(await someone.Http.GetAsync("/api/settlement/reports/dashboard"), HttpStatusCode.Forbidden);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("auth.forbidden"));
        }
    }
}
