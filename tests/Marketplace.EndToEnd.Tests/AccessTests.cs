using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Every endpoint: no token is 401, the wrong role is 403, another organisation's ids are 404, and nothing changes.</summary>
[TestFixture]
public class AccessTests
{
    private Actor _enterprise = null!, _otherEnterprise = null!, _worker = null!, _otherWorker = null!, _vendor = null!, _operator = null!;
    private Guid _orderId, _draftId, _assignmentId, _listingId;
    private decimal _available;

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
        _listingId = (await Api.ReadAsync(await _vendor.PostAsync("/api/orders/listings", new
        {
            vendorName = "Access Check Labs", title = "Sentiment", description = "Reviews", taskTypes = new[] { "text-classification" },
            industries = new[] { "finance" }, languages = new[] { "zh-CN" }, capacityPerDay = 100, priceMin = 0.10m, priceMax = 0.20m,
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        _available = (await _enterprise.GetAsync("/api/settlement/wallet")).Money("available");
    }

    /// <summary>What the refused calls would have changed had they got through.</summary>
    private async Task AssertNothingChangedAsync()
    {
        Assert.That((await _enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(_available), "no deposit went through");
        Assert.That((await _enterprise.GetAsync($"/api/orders/orders/{_orderId}")).GetProperty("status").GetString(), Is.EqualTo("in_progress"));
        Assert.That((await _enterprise.GetAsync($"/api/orders/orders/{_draftId}")).GetProperty("status").GetString(), Is.EqualTo("draft"));
        Assert.That((await _enterprise.GetAsync($"/api/tasks/assignments/{_assignmentId}")).GetProperty("status").GetString(), Is.EqualTo("leased"));
        Assert.That((await _enterprise.GetAsync("/api/orders/orders")).GetArrayLength(), Is.EqualTo(2), "no order was created");
        Assert.That((await _enterprise.GetAsync($"/api/orders/listings/{_listingId}")).GetProperty("title").GetString(), Is.EqualTo("Sentiment"));
        Assert.That((await _worker.GetAsync("/api/payouts/payouts")).GetArrayLength(), Is.Zero, "no payout batch paid anyone");
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
        ("GET", "/api/bidding/calls", "worker"),
        ("POST", "/api/orders/listings", "enterprise"),
        ("GET", "/api/orders/listings", "worker"),
        ("POST", "/api/orders/certifications", "enterprise"),
        ("GET", "/api/orders/certifications", "worker"),
        ("POST", "/api/orders/certifications/{order}/review", "vendor"),
        ("POST", "/api/tasks/assignments/claim", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/submit", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/approve", "worker"),
        ("GET", "/api/tasks/assignments/{assignment}", "none"), // every role: a vendor reads its work packages' assignments
        ("GET", "/api/tasks/orders/{order}/assignments", "worker"),
        ("GET", "/api/payouts/earnings", "enterprise"),
        ("POST", "/api/payouts/earnings/{random}/reverse", "worker"),
        ("PUT", "/api/payouts/method", "enterprise"),
        ("GET", "/api/payouts/method", "operator"),
        ("POST", "/api/payouts/payout-batches/me", "operator"),
        ("POST", "/api/settlement/bonuses", "worker"),
        ("GET", "/api/orders/fees", "none"),
        ("PUT", "/api/orders/fees/text-classification", "enterprise"),
        ("GET", "/api/payouts/payouts", "enterprise"),
        ("POST", "/api/payouts/payout-batches", "worker"),
        ("PUT", "/api/payouts/fake-bank/mode", "worker"),
        ("GET", "/api/payouts/fake-bank/transfers", "worker"),
        ("GET", "/api/auth/users", "enterprise"),
        ("POST", "/api/auth/operators", "enterprise"),
        ("PUT", "/api/orders/listings/{listing}", "enterprise"),
        ("GET", "/api/orders/listings/{listing}", "worker"),
        ("POST", "/api/orders/orders/{draft}/uploads", "vendor"),
        ("PUT", "/api/orders/orders/{draft}/uploads/{random}", "worker"),
        ("GET", "/api/orders/orders/{draft}/uploads/{random}", "vendor"),
        ("POST", "/api/orders/orders/{draft}/uploads/{random}/complete", "worker"),
        ("PUT", "/api/orders/orders/{draft}/files/boats/1.png", "worker"),
        ("GET", "/api/orders/orders/{draft}/files", "worker"),
        ("GET", "/api/auth/me", "none"),
        ("POST", "/api/tasks/assignments/claim-suite", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/reject", "worker"),
        ("POST", "/api/tasks/assignments/{assignment}/appeal", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/appeal/resolve", "worker"),
        ("GET", "/api/tasks/quality/mine", "enterprise"),
        ("GET", "/api/tasks/orders/{order}/progress", "worker"),
        ("GET", "/api/tasks/assignments/mine", "vendor"),
        ("GET", "/api/tasks/assignments/submitted", "enterprise"),
        ("POST", "/api/tasks/assignments/heartbeat", "operator"),
        ("POST", "/api/tasks/assignments/{assignment}/heartbeat", "enterprise"),
        ("POST", "/api/tasks/assignments/{assignment}/release", "enterprise"),
        ("GET", "/api/orders/orders/{order}/acceptance", "worker"),
        ("POST", "/api/orders/orders/{order}/acceptance", "vendor"),
        ("POST", "/api/orders/orders/{order}/rework/fund", "worker"),
        ("POST", "/api/tasks/workers/me/identity", "enterprise"),
        ("GET", "/api/tasks/workers/identities", "worker"),
        ("POST", "/api/tasks/workers/{random}/identity/review", "worker"),
        ("POST", "/api/tasks/workers/me/agreement", "operator"),
        ("GET", "/api/tasks/agreements/current", "none"),
        ("POST", "/api/tasks/agreements", "worker"),
        ("POST", "/api/tasks/workers/{random}/vetting", "enterprise"),
        ("GET", "/api/tasks/workers/me", "enterprise"),
        ("GET", "/api/tasks/workers/{random}", "worker"),
        ("POST", "/api/tasks/exams", "worker"),
        ("GET", "/api/tasks/exams", "enterprise"),
        ("GET", "/api/tasks/exams/{random}", "vendor"),
        ("POST", "/api/tasks/exams/{random}/attempts", "operator"),
        ("GET", "/api/tasks/exam-attempts/{random}", "enterprise"),
        ("POST", "/api/tasks/exam-attempts/{random}/training/item-1", "operator"),
        ("POST", "/api/tasks/exam-attempts/{random}/test", "enterprise"),
        ("POST", "/api/tasks/exam-attempts/{random}/test/item-1", "vendor"),
        ("POST", "/api/tasks/exam-attempts/{random}/finish", "operator"),
        ("GET", "/api/tasks/orders/{order}/content-views", "worker"),
        ("GET", "/api/tasks/orders/{order}/labels", "worker"),
        ("POST", "/api/tasks/orders/{order}/exports", "vendor"),
        ("GET", "/api/tasks/orders/{order}/exports", "worker"),
        ("GET", "/api/tasks/orders/{order}/exports/{random}", "worker"),
        .. new[] { "orders", "bidding", "tasks", "payouts", "settlement" }.SelectMany(service => new[]
        {
            ("GET", $"/api/{service}/ops/jobs/1", "enterprise"),
            ("GET", $"/api/{service}/ops/jobs/requests/1", "worker"),
            ("POST", $"/api/{service}/ops/jobs/recurring/any/trigger", "vendor"),
            ("GET", $"/api/{service}/hangfire/", "worker"),
            ("GET", $"/api/{service}/ops/dead-letters", "enterprise"),
            ("POST", $"/api/{service}/ops/dead-letters/{service}_queue/{{random}}/replay", "worker"),
            ("GET", $"/api/{service}/ops/traces/{{random}}", "vendor"),
        }),
    ];

    private string Fill(string path) => path.Replace("{order}", _orderId.ToString()).Replace("{assignment}", _assignmentId.ToString())
        .Replace("{draft}", _draftId.ToString()).Replace("{listing}", _listingId.ToString()).Replace("{random}", Guid.NewGuid().ToString());

    private Actor Role(string role) => role switch
    {
        "worker" => _worker, "enterprise" => _enterprise, "vendor" => _vendor, "operator" => _operator, _ => throw new ArgumentException(role),
    };

    [Test]
    public async Task Every_endpoint_refuses_a_caller_without_a_token()
    {
        using var anonymous = Api.Anonymous();
        using (Assert.EnterMultipleScope())
        {
            foreach (var (method, path, _) in Endpoints)
            {
                var response = await Api.Send(anonymous, new HttpMethod(method), Fill(path), method == "GET" ? null : "{}", Guid.NewGuid().ToString());
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{method} {path}");
            }
        }
        await AssertNothingChangedAsync();
    }

    [Test]
    public async Task Every_endpoint_refuses_a_caller_in_the_wrong_role()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var (method, path, wrongRole) in Endpoints.Where(e => e.WrongRole != "none"))
            {
                // A well-formed body, so that only the role can be the reason for a refusal.
                var response = await Api.Send(Role(wrongRole).Http, new HttpMethod(method), Fill(path), method == "GET" ? null : PlausibleBody(path),
                    Guid.NewGuid().ToString());
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{method} {path} as {wrongRole}");
            }
        }
        await AssertNothingChangedAsync();
    }

    private static object PlausibleBody(string path) => path switch
    {
        _ when path.EndsWith("/deposits") => new { amount = 1000.00m, currency = "CNY" },
        _ when path.EndsWith("/bonuses") => new { workerId = Guid.NewGuid(), orderId = Guid.NewGuid(), amount = 1.00m, currency = "CNY", reason = "thanks" },
        _ when path.EndsWith("/reverse") => new { reason = "upheld rejection" },
        _ when path.EndsWith("/api/payouts/method") => new { method = "alipay", account = "13800138000", holderName = "Li Lei" },
        _ when path.Contains("/api/orders/fees/") => new { percent = 0m, minimumPerOrder = 0m },
        _ when path.EndsWith("/api/orders/orders") => Scenario.OrderBody(items: 1),
        _ when path.EndsWith("/submit") => new { answer = "positive" },
        _ when path.EndsWith("/fake-bank/mode") => new { mode = "decline" },
        _ when path.EndsWith("/operators") => new { email = $"sneaky-{Guid.NewGuid():N}@e2e.test", password = "sneaky-password-1", displayName = "Sneaky" },
        _ when path.EndsWith("/exports") => new { format = "jsonl" },
        _ when path.EndsWith("/review") => new { decision = "approve", note = "looks fine" },
        _ when path.EndsWith("/uploads") => new { format = "jsonl", expectedBytes = 10 },
        _ when path.Contains("/listings") => new
        {
            vendorName = "Hijack", title = "Hijacked", description = "", taskTypes = new[] { "text-classification" },
            industries = new[] { "finance" }, languages = new[] { "zh-CN" }, capacityPerDay = 1, priceMin = 0.10m, priceMax = 0.20m,
        },
        _ when path.EndsWith("/identity") => new { legalName = "Li Wei", idNumber = Api.IdNumber() },
        _ when path.EndsWith("/identity/review") => new { decision = "verify" },
        _ when path.EndsWith("/vetting") => new { decision = "vet" },
        _ when path.EndsWith("/agreement") => new { version = 1 },
        _ when path.EndsWith("/agreements") => new { title = "Forged agreement", body = "Nothing applies." },
        _ when path.Contains("/training/") || path.Contains("/test/") => new { answer = "positive" },
        _ when path.EndsWith("/certifications") => new { name = "Forged", issuer = "Nobody", grade = "core", validUntil = "2030-01-01" },
        _ => "{}",
    };

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
