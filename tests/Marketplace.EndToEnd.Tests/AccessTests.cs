using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Another organisation's ids answer 404 and move nothing; an operator sees every organisation's order. No token, a
/// forged token and the wrong role, endpoint by endpoint, are the generated access matrix's (Abuse/AbuseSuiteTests):
/// these keep what it cannot say, the exact status of each refusal, that the lists show only the caller's own, and
/// that the world is as it was.
/// </summary>
[TestFixture]
public class AccessTests
{
    private Actor _enterprise = null!, _otherEnterprise = null!, _worker = null!, _otherWorker = null!, _operator = null!;
    private Guid _orderId, _draftId, _assignmentId;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _operator = await Api.OperatorAsync();
        _enterprise = await Api.SignUpAsync("enterprise");
        _otherEnterprise = await Api.SignUpAsync("enterprise");
        _worker = await Api.SignUpAsync("worker");
        _otherWorker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(_enterprise, 10.00m);
        _orderId = await Scenario.PublishedOrderAsync(_enterprise, items: 2);
        _draftId = await Scenario.CreateOrderAsync(_enterprise, items: 1);
        var claim = await Api.ReadAsync(await _worker.PostAsync($"/api/tasks/assignments/claim?orderId={_orderId}"), HttpStatusCode.OK);
        _assignmentId = claim.GetProperty("assignmentId").GetGuid();
    }

    [Test]
    public async Task Another_enterprise_cannot_see_or_move_an_order_that_is_not_theirs()
    {
        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/orders/orders/{_orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.PostAsync($"/api/orders/orders/{_draftId}/publish")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.PostAsync($"/api/orders/orders/{_orderId}/cancel")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/assignments")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.PostAsync($"/api/tasks/assignments/{_assignmentId}/approve")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/tasks/assignments/{_assignmentId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/orders/orders/{_orderId}/acceptance")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.PostAsync($"/api/orders/orders/{_orderId}/acceptance",
            new { round = 1, verdicts = new[] { new { itemId = "review-1", ok = true } } })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.PostAsync($"/api/orders/orders/{_orderId}/rework/fund")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/labels")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.PostAsync($"/api/tasks/orders/{_orderId}/exports", new { format = "jsonl" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherEnterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/exports")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var theirs = await _otherEnterprise.GetAsync("/api/orders/orders");
        Assert.That(theirs.GetArrayLength(), Is.Zero, "the list shows only the caller's organisation");

        Assert.That((await _enterprise.GetAsync($"/api/orders/orders/{_draftId}")).GetProperty("status").GetString(), Is.EqualTo("draft"));
        Assert.That((await _enterprise.GetAsync($"/api/tasks/assignments/{_assignmentId}")).GetProperty("status").GetString(), Is.EqualTo("leased"));
    }

    [Test]
    public async Task Another_worker_cannot_see_or_submit_an_assignment_that_is_not_theirs()
    {
        Assert.That((await _otherWorker.Http.GetAsync($"/api/tasks/assignments/{_assignmentId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherWorker.PostAsync($"/api/tasks/assignments/{_assignmentId}/submit", new { answer = "positive" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherWorker.PostAsync($"/api/tasks/assignments/{_assignmentId}/heartbeat")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherWorker.PostAsync($"/api/tasks/assignments/{_assignmentId}/release")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _otherWorker.GetAsync("/api/tasks/assignments/mine")).GetArrayLength(), Is.Zero);
        Assert.That((await _otherWorker.PostAsync("/api/tasks/assignments/heartbeat")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "a heartbeat extends only the caller's own leases");
        var payouts = await _otherWorker.GetAsync($"/api/payouts/payouts?workerId={_worker.UserId}");
        Assert.That(payouts.GetArrayLength(), Is.Zero, "a worker's payouts are theirs alone, whatever they ask for");
        Assert.That((await _worker.GetAsync($"/api/tasks/assignments/{_assignmentId}")).GetProperty("status").GetString(), Is.EqualTo("leased"));
    }

    [Test]
    public async Task An_operator_sees_any_organisations_order()
    {
        Assert.That((await _operator.GetAsync($"/api/orders/orders/{_orderId}")).GetProperty("id").GetGuid(), Is.EqualTo(_orderId));
        Assert.That((await _operator.GetAsync($"/api/tasks/orders/{_orderId}/assignments")).GetArrayLength(), Is.EqualTo(2));
    }
}
