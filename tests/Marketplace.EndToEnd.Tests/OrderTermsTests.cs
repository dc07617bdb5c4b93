using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// An order's terms are one record: stored whole, shown whole, carried whole to tasks, and a new term
/// (maxItemsPerWorker, added this way) acts where it matters. A bid-mode order's tender terms are checked at creation.
/// </summary>
public class OrderTermsTests
{
    private Actor _enterprise = null!;

    [OneTimeSetUp]
    public async Task EnterpriseAsync()
    {
        _enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(_enterprise, 200m);
    }

    [Test]
    public async Task The_order_shows_its_terms_whole()
    {
        var body = Scenario.OrderBodyWith(new { overlap = 2, suiteSize = 3, dataGrade = "important", industry = "medical", maxItemsPerWorker = 7 });
        var order = await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created);
        var terms = order.GetProperty("terms");
        Assert.That(terms.GetProperty("mode").GetString(), Is.EqualTo("crowd"));
        Assert.That(terms.GetProperty("overlap").GetInt32(), Is.EqualTo(2));
        Assert.That(terms.GetProperty("suiteSize").GetInt32(), Is.EqualTo(3));
        Assert.That(terms.GetProperty("maxItemsPerWorker").GetInt32(), Is.EqualTo(7));
        Assert.That(terms.GetProperty("unitPrice").GetDecimal(), Is.EqualTo(1.20m));
        Assert.That(terms.GetProperty("workerReward").GetDecimal() + terms.GetProperty("platformFee").GetDecimal(), Is.EqualTo(1.20m));
        Assert.That(terms.GetProperty("tender").ValueKind, Is.EqualTo(JsonValueKind.Null), "a crowd order has no tender");
        // The flat fields the API always had are read from the same record.
        Assert.That(order.GetProperty("overlap").GetInt32(), Is.EqualTo(2));
        Assert.That(order.GetProperty("dataGrade").GetString(), Is.EqualTo("important"));
        Assert.That(order.GetProperty("industry").GetString(), Is.EqualTo("medical"));
        Assert.That(order.GetProperty("status").GetString(), Is.EqualTo("draft"));
    }

    [Test]
    public async Task A_worker_labels_no_more_items_of_an_order_than_its_terms_allow()
    {
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { maxItemsPerWorker = 2 }, items: 4);
        var worker = await Api.SignUpAsync("worker");
        for (var i = 0; i < 2; i++)
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);

        var refused = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("2 items of this order"));
        // A suite asks for more than are left: it gets none here either; and claiming "any work" passes this order by.
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim-suite?orderId={orderId}&size=3"), HttpStatusCode.Conflict);

        var other = await Api.SignUpAsync("worker");
        var suite = await Api.ReadAsync(await other.PostAsync($"/api/tasks/assignments/claim-suite?orderId={orderId}&size=3"), HttpStatusCode.OK);
        Assert.That(suite.GetProperty("assignments").GetArrayLength(), Is.EqualTo(2), "a suite is cut to what the cap leaves");
    }

    [Test]
    public async Task A_cap_out_of_range_is_refused_naming_the_field()
    {
        var body = Scenario.OrderBodyWith(new { maxItemsPerWorker = 0 });
        var problem = await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("maxItemsPerWorker", out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Tender_terms_belong_to_bid_mode_and_their_bid_deadline_comes_before_the_orders_deadline()
    {
        var crowd = Scenario.OrderBodyWith(new { tender = new { autoAward = true } });
        var problem = await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", crowd.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("tender", out _), Is.True, problem.ToString());

        var late = Scenario.OrderBodyWith(new { mode = "bid", tender = new { bidDeadline = DateTimeOffset.UtcNow.AddDays(30) } });
        problem = await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", late.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(problem.ToString(), Does.Contain("bidDeadline").IgnoreCase);

        var bid = Scenario.OrderBodyWith(new { mode = "bid", tender = new { autoAward = true, latePenaltyPercentPerDay = 2.5m } });
        var order = await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", bid.ToJsonString()), HttpStatusCode.Created);
        var tender = order.GetProperty("terms").GetProperty("tender");
        Assert.That(tender.GetProperty("autoAward").GetBoolean(), Is.True);
        Assert.That(tender.GetProperty("latePenaltyPercentPerDay").GetDecimal(), Is.EqualTo(2.5m));
        Assert.That(tender.GetProperty("maxPenaltyPercent").GetDecimal(), Is.EqualTo(20m));
        var bidDeadline = tender.GetProperty("bidDeadline").GetDateTimeOffset();
        Assert.That(bidDeadline, Is.GreaterThan(DateTimeOffset.UtcNow).And.LessThan(order.GetProperty("deadline").GetDateTimeOffset()));
    }

    [Test]
    public async Task A_funded_bid_order_tenders_and_the_tender_actions_follow_the_process()
    {
        var body = Scenario.OrderBodyWith(new { mode = "bid", dataGrade = "core", industry = "medical" });
        var orderId = (await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        // Not tendering yet: the process refuses, naming the state.
        var early = await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/switch-to-crowd"), HttpStatusCode.Conflict);
        Assert.That(early.GetProperty("detail").GetString(), Does.Contain("draft"));
        await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(_enterprise, orderId, "tendering");
        var order = await _enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("tenderRound").GetInt32(), Is.EqualTo(1));

        // While the call runs the enterprise may move its deadline later, not past the order's deadline.
        var later = DateTimeOffset.UtcNow.AddDays(2);
        var extended = await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/extend", new { bidDeadline = later }),
            HttpStatusCode.Accepted);
        Assert.That(extended.GetProperty("terms").GetProperty("tender").GetProperty("bidDeadline").GetDateTimeOffset(),
            Is.EqualTo(later).Within(TimeSpan.FromSeconds(1)));
        await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/extend",
            new { bidDeadline = DateTimeOffset.UtcNow.AddDays(60) }), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/extend", new { bidDeadline = "soon" }),
            HttpStatusCode.BadRequest);
        // Re-tendering and switching to the crowd only follow a call that found no bids.
        await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/retender", new { bidDeadline = later }),
            HttpStatusCode.Conflict);
        await Api.ReadAsync(await _enterprise.PostAsync($"/api/orders/orders/{orderId}/tender/switch-to-crowd"), HttpStatusCode.Conflict);
        // Another organisation's order does not exist for it.
        var stranger = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await stranger.PostAsync($"/api/orders/orders/{orderId}/tender/extend", new { bidDeadline = later }),
            HttpStatusCode.NotFound);
    }
}
