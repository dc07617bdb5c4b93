using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// A user's mistake gets a 4xx ProblemDetails naming the problem, and changes nothing. Never a 500. Malformed bodies and
/// fields of the wrong type, endpoint by endpoint, are the generated suite's (Abuse/AbuseSuiteTests); these keep the
/// rules it cannot know: ranges, dates, currencies, the labels of an order, states, positions in a list, the business
/// answers of sign-up and sign-in.
/// </summary>
[TestFixture]
public class BadInputTests
{
    private Actor _enterprise = null!, _worker = null!, _operator = null!;
    private Guid _orderId, _assignmentId;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _operator = await Api.OperatorAsync();
        _enterprise = await Api.SignUpAsync("enterprise");
        _worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(_enterprise, 10.00m);
        _orderId = await Scenario.PublishedOrderAsync(_enterprise, items: 1);
        var claim = await Api.ReadAsync(await _worker.PostAsync($"/api/tasks/assignments/claim?orderId={_orderId}"), HttpStatusCode.OK);
        _assignmentId = claim.GetProperty("assignmentId").GetGuid();
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        var body = await Api.ReadAsync(response, status);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        if (field is not null)
        {
            Assert.That(body.TryGetProperty("errors", out var errors), Is.True, $"errors expected in {body}");
            Assert.That(errors.EnumerateObject().Select(p => p.Name), Does.Contain(field), body.ToString());
        }
        return body;
    }

    private static object Order(Action<Dictionary<string, object?>> change)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(Scenario.OrderBody(), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        change(body);
        return JsonSerializer.Serialize(body);
    }

    [TestCase("unitPrice", "\"abc\"", TestName = "A unit price that is not a number is refused")]
    [TestCase("unitPrice", "-1", TestName = "A negative unit price is refused")]
    [TestCase("unitPrice", "1.23456", TestName = "A unit price finer than the ledger unit is refused")]
    [TestCase("labels", "[\"only\"]", TestName = "An order with one label is refused")]
    [TestCase("taskType", "\"video-tracking\"", TestName = "An unknown task type is refused")]
    [TestCase("deadline", "\"2001-01-01T00:00:00Z\"", TestName = "A deadline in the past is refused")]
    [TestCase("currency", "\"USD\"", TestName = "A currency other than CNY is refused")]
    [TestCase("title", "null", TestName = "An order without a title is refused")]
    [TestCase("overlap", "10", TestName = "An overlap above nine is refused")]
    public async Task Out_of_range_order_fields_are_refused_by_name(string field, string json)
    {
        var before = (await _enterprise.GetAsync("/api/orders/orders")).GetArrayLength();
        var body = (string)Order(b => b[field] = JsonDocument.Parse(json).RootElement);
        await Problem(await _enterprise.PostAsync("/api/orders/orders", body), HttpStatusCode.BadRequest, field);
        Assert.That((await _enterprise.GetAsync("/api/orders/orders")).GetArrayLength(), Is.EqualTo(before), "nothing was created");
    }

    [TestCase("title", TestName = "An order that leaves out its title is refused")]
    [TestCase("taskType", TestName = "An order that leaves out its task type is refused")]
    [TestCase("labels", TestName = "A classification order that leaves out its labels is refused")]
    [TestCase("unitPrice", TestName = "An order that leaves out its unit price is refused")]
    [TestCase("currency", TestName = "An order that leaves out its currency is refused")]
    [TestCase("deadline", TestName = "An order that leaves out its deadline is refused")]
    public async Task Orders_missing_a_required_field_are_refused_by_name(string field)
    {
        var before = (await _enterprise.GetAsync("/api/orders/orders")).GetArrayLength();
        var body = (string)Order(b => b.Remove(field));
        await Problem(await _enterprise.PostAsync("/api/orders/orders", body), HttpStatusCode.BadRequest, field);
        Assert.That((await _enterprise.GetAsync("/api/orders/orders")).GetArrayLength(), Is.EqualTo(before), "nothing was created");
    }

    [Test]
    public async Task An_order_without_items_waits_for_a_dataset_and_cannot_be_published_empty()
    {
        var wallet = await _enterprise.GetAsync("/api/settlement/wallet");
        var body = (string)Order(b => b["items"] = JsonDocument.Parse("[]").RootElement);
        var order = await Api.ReadAsync(await _enterprise.PostAsync("/api/orders/orders", body), HttpStatusCode.Created);
        Assert.That(order.GetProperty("itemCount").GetInt32(), Is.Zero);
        var id = order.GetProperty("id").GetGuid();

        var refused = await Problem(await _enterprise.PostAsync($"/api/orders/orders/{id}/publish"), HttpStatusCode.Conflict, null);
        Assert.That(refused.GetProperty("currentState").GetString(), Is.EqualTo("draft"));
        Assert.That((await _enterprise.GetAsync($"/api/orders/orders/{id}")).GetProperty("status").GetString(), Is.EqualTo("draft"));
        Assert.That((await _enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(wallet.Money("available")));
    }

    [Test]
    public async Task An_item_without_an_id_is_refused_by_its_position()
    {
        var body = (string)Order(b => b["items"] = JsonDocument.Parse("[{\"id\": \"\", \"content\": \"text\"}]").RootElement);
        await Problem(await _enterprise.PostAsync("/api/orders/orders", body), HttpStatusCode.BadRequest, "items[0].id");
    }

    [TestCase("{\"amount\": \"abc\", \"currency\": \"CNY\"}", "amount")]
    [TestCase("{\"amount\": -5, \"currency\": \"CNY\"}", "amount")]
    [TestCase("{\"amount\": 1.001, \"currency\": \"CNY\"}", "amount")]
    [TestCase("{\"amount\": 5, \"currency\": \"USD\"}", "currency")]
    [TestCase("{\"currency\": \"CNY\"}", "amount")]
    [TestCase("{\"amount\": 5,", null)]
    public async Task Bad_deposits_are_refused_and_move_nothing(string raw, string? field)
    {
        var before = (await _enterprise.GetAsync("/api/settlement/wallet")).Money("available");
        await Problem(await _enterprise.PostAsync("/api/settlement/wallet/deposits", raw, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest, field);
        Assert.That((await _enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(before));
    }

    [Test]
    public async Task An_answer_that_is_not_one_of_the_labels_is_refused()
    {
        await Problem(await _worker.PostAsync($"/api/tasks/assignments/{_assignmentId}/submit", new { answer = "sarcastic" }),
            HttpStatusCode.BadRequest, "answer");
        await Problem(await _worker.PostAsync($"/api/tasks/assignments/{_assignmentId}/submit", "{}"), HttpStatusCode.BadRequest, "answer");
        await Problem(await _worker.PostAsync($"/api/tasks/assignments/{_assignmentId}/submit", "{\"answer\": 7}"), HttpStatusCode.BadRequest, "answer");
        Assert.That((await _worker.GetAsync($"/api/tasks/assignments/{_assignmentId}")).GetProperty("status").GetString(), Is.EqualTo("leased"));
    }

    [Test]
    public async Task Wrong_states_answer_409_with_the_current_state()
    {
        var publishAgain = await Problem(await _enterprise.PostAsync($"/api/orders/orders/{_orderId}/publish"), HttpStatusCode.Conflict, null);
        Assert.That(publishAgain.GetProperty("currentState").GetString(), Is.EqualTo("in_progress"));
        var approveEarly = await Problem(await _enterprise.PostAsync($"/api/tasks/assignments/{_assignmentId}/approve"), HttpStatusCode.Conflict, null);
        Assert.That(approveEarly.GetProperty("currentState").GetString(), Is.EqualTo("leased"));
    }

    [Test]
    public async Task Bad_registrations_and_sign_ins_are_refused_by_field()
    {
        using var anonymous = Api.Anonymous();
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register",
            new { email = "not-an-email", password = "long-enough-1", displayName = "X", role = "worker" }), HttpStatusCode.BadRequest, "email");
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register",
            new { email = "a@b.test", password = "short", displayName = "X", role = "worker" }), HttpStatusCode.BadRequest, "password");
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register",
            new { email = "a@b.test", password = "long-enough-1", displayName = "X", role = "operator" }), HttpStatusCode.BadRequest, "role");
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register",
            new { email = "a@b.test", password = "long-enough-1", displayName = "X", role = "vendor" }), HttpStatusCode.BadRequest, "organisationName");
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register", "{\"email\": 5"), HttpStatusCode.BadRequest, null);
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/token", null), HttpStatusCode.BadRequest, null);
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/token", new { email = _worker.Email, password = "wrong-password" }),
            HttpStatusCode.Unauthorized, null);
        await Problem(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register",
            new { email = "ann\u200b@b.test", password = "long-enough-1", displayName = "X", role = "worker" }), HttpStatusCode.BadRequest, "email");
    }

    [Test]
    public async Task Bad_operator_requests_are_refused_by_field()
    {
        await Problem(await Api.Send(_operator.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode = "explode" }),
            HttpStatusCode.BadRequest, "mode");
        await Problem(await _operator.Http.GetAsync("/api/settlement/reports/period?to=2027-01-01T00:00:00Z"), HttpStatusCode.BadRequest, "from");
        await Problem(await _operator.Http.GetAsync("/api/settlement/reports/period?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"),
            HttpStatusCode.BadRequest, "to");
        await Problem(await _operator.Http.GetAsync("/api/settlement/reports/period?from=yesterday&to=2026-01-01T00:00:00Z"),
            HttpStatusCode.BadRequest, null);
        await Problem(await _operator.Http.GetAsync("/api/settlement/accounts?kind=piggy_bank"), HttpStatusCode.BadRequest, "kind");
        await Problem(await _operator.Http.GetAsync("/api/orders/ops/jobs/sleeping"), HttpStatusCode.BadRequest, "jobId");
        await Problem(await _operator.PostAsync("/api/orders/ops/jobs/recurring/no-such-job/trigger"), HttpStatusCode.NotFound, null);
        await Problem(await _operator.PostAsync("/api/payouts/payout-batches"), HttpStatusCode.BadRequest, "Idempotency-Key");
        await Problem(await _operator.PostAsync("/api/auth/operators", new { email = "x", password = "p", displayName = "" }),
            HttpStatusCode.BadRequest, "email");
    }

    [Test]
    public async Task Exports_and_labels_refuse_bad_parameters_and_wait_for_the_labels()
    {
        var early = await Problem(await _enterprise.PostAsync($"/api/tasks/orders/{_orderId}/exports", new { format = "jsonl" }), HttpStatusCode.Conflict, null);
        Assert.That(early.GetProperty("currentState").GetString(), Is.EqualTo("not_aggregated"));
        await Problem(await _enterprise.PostAsync($"/api/tasks/orders/{_orderId}/exports", new { format = "coco" }), HttpStatusCode.BadRequest, "format");
        await Problem(await _enterprise.PostAsync($"/api/tasks/orders/{_orderId}/exports", new { format = "csv" }), HttpStatusCode.BadRequest, "format");
        await Problem(await _enterprise.PostAsync($"/api/tasks/orders/{_orderId}/exports", "{\"format\": 3}"), HttpStatusCode.BadRequest, null);
        await Problem(await _enterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/labels?pageSize=0"), HttpStatusCode.BadRequest, "pageSize");
        await Problem(await _enterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/labels?pageSize=101"), HttpStatusCode.BadRequest, "pageSize");
        await Problem(await _enterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/labels?page=0"), HttpStatusCode.BadRequest, "page");
        await Problem(await _enterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/labels?page=first"), HttpStatusCode.BadRequest, null);
        await Problem(await _enterprise.Http.GetAsync($"/api/tasks/orders/{_orderId}/exports/{Guid.NewGuid()}"), HttpStatusCode.NotFound, null);
        await Problem(await _enterprise.Http.GetAsync($"/api/tasks/orders/{Guid.NewGuid()}/labels"), HttpStatusCode.NotFound, null);
        using var browser = Api.Anonymous();
        await Problem(await browser.GetAsync($"/api/tasks/exports/{_orderId}/nothing.jsonl"), HttpStatusCode.Forbidden, null);
        await Problem(await browser.GetAsync($"/api/tasks/exports/{_orderId}/nothing.jsonl?expires=soon&sig=abc"), HttpStatusCode.Forbidden, null);
        Assert.That((await _enterprise.GetAsync($"/api/tasks/orders/{_orderId}/exports")).GetArrayLength(), Is.Zero, "nothing was queued");
        var labels = await _enterprise.GetAsync($"/api/tasks/orders/{_orderId}/labels");
        Assert.That(labels.GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(labels.GetProperty("labelsAggregatedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task An_unknown_order_is_404_not_500()
    {
        await Problem(await _enterprise.Http.GetAsync($"/api/orders/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound, null);
        await Problem(await _enterprise.PostAsync($"/api/orders/orders/{Guid.NewGuid()}/publish"), HttpStatusCode.NotFound, null);
        await Problem(await _worker.PostAsync($"/api/tasks/assignments/{Guid.NewGuid()}/submit", new { answer = "positive" }), HttpStatusCode.NotFound, null);
    }
}
