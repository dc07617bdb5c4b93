using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Every endpoint: no token is 401, the wrong role is 403, another organisation's ids are 404, and nothing changes.</summary>
[TestFixture]
public class AccessTests
{
    private Actor _enterprise = null!, _otherEnterprise = null!, _worker = null!, _otherWorker = null!, _vendor = null!, _operator = null!;
    private Guid _orderId, _draftId, _assignmentId;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _operator = await Api.OperatorAsync();
        _enterprise = await Api.SignUpAsync("enterprise");
        _otherEnterprise = await Api.SignUpAsync("enterprise");
        _worker = await Api.SignUpAsync("worker");
        _otherWorker = await Api.SignUpAsync("worker");
        _vendor = await Api.SignUpAsync("vendor");
        await Scenario.DepositAsync(_enterprise, 10.00m);
        _orderId = await Scenario.PublishedOrderAsync(_enterprise, items: 2);
        _draftId = await Scenario.CreateOrderAsync(_enterprise, items: 1);
        var claim = await Api.ReadAsync(await _worker.PostAsync($"/api/tasks/assignments/claim?orderId={_orderId}"), HttpStatusCode.OK);
        _assignmentId = claim.GetProperty("assignmentId").GetGuid();
    }

    private static readonly (string Method, string Path, string WrongRole)[] Endpoints =
    [
        ("POST", "/api/settlement/wallet/deposits", "worker"),
        ("GET", "/api/settlement/wallet", "worker"),
        ("GET", "/api/settlement/reports/period?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", "enterprise"),
        ("GET", "/api/settlement/accounts", "enterprise"),
        ("POST", "/api/orders/orders", "worker"),
        ("GET", "/api/orders/orders", "worker"),
        ("GET", "/api/orders/orders/{order}", "worker"),
        ("POST", "/api/orders/orders/{order}/publish", "vendor"),
        ("POST", "/api/orders/orders/{order}/cancel", "worker"),
        ("GET", "/api/bidding/open-orders", "worker"),
        ("GET", "/api/orders/orders/open-for-bids", "enterprise"),
        ("POST", "/api/orders/listings", "enterprise"),
        ("GET", "/api/orders/listings", "worker"),
        ("POST", "/api/orders/certifications", "enterprise"),
        ("GET", "/api/orders/certifications", "worker"),
        ("POST", "/api/orders/certifications/{order}/review", "vendor"),
        ("POST", "/api/tasks/assignments/claim", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/submit", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/approve", "worker"),
        ("GET", "/api/tasks/assignments/{assignment}", "vendor"),
        ("GET", "/api/tasks/orders/{order}/assignments", "worker"),
        ("GET", "/api/payouts/earnings", "enterprise"),
        ("GET", "/api/payouts/payouts", "enterprise"),
        ("POST", "/api/payouts/payout-batches", "worker"),
        ("PUT", "/api/payouts/fake-bank/mode", "worker"),
        ("GET", "/api/payouts/fake-bank/transfers", "worker"),
        ("GET", "/api/auth/users", "enterprise"),
        ("POST", "/api/auth/operators", "enterprise"),
        ("GET", "/api/orders/ops/jobs", "enterprise"),
        ("GET", "/api/tasks/ops/jobs/runs", "worker"),
        ("GET", "/api/payouts/ops/dead-letters", "enterprise"),
        ("POST", "/api/settlement/ops/jobs/1/retry", "enterprise"),
    ];

    private string Fill(string path) => path.Replace("{order}", _orderId.ToString()).Replace("{assignment}", _assignmentId.ToString());

    private Actor Role(string role) => role switch
    {
        "worker" => _worker, "enterprise" => _enterprise, "vendor" => _vendor, _ => throw new ArgumentException(role),
    };

    [Test]
    public async Task Every_endpoint_refuses_a_caller_without_a_token()
    {
        using var anonymous = Api.Anonymous();
        foreach (var (method, path, _) in Endpoints.Append(("GET", "/api/auth/me", "")))
        {
            var response = await Api.Send(anonymous, new HttpMethod(method), Fill(path), method == "GET" ? null : "{}", Guid.NewGuid().ToString());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{method} {path}");
        }
    }

    [Test]
    public async Task Every_endpoint_refuses_a_caller_in_the_wrong_role()
    {
        foreach (var (method, path, wrongRole) in Endpoints)
        {
            var response = await Api.Send(Role(wrongRole).Http, new HttpMethod(method), Fill(path), method == "GET" ? null : "{}", Guid.NewGuid().ToString());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{method} {path} as {wrongRole}");
        }
    }

    [Test]
    public async Task A_forged_token_is_refused()
    {
        using var forged = Api.Anonymous();
        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwicm9sZSI6Im9wZXJhdG9yIn0.c2lnbmF0dXJlLWZyb20tbm93aGVyZQ");
        Assert.That((await forged.GetAsync("/api/settlement/accounts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
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
