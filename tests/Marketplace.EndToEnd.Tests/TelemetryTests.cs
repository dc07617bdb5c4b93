using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Traces joined across services through the messages, and the metrics operators scrape.</summary>
[TestFixture]
public class TelemetryTests
{
    private Actor _operator = null!;

    [OneTimeSetUp]
    public async Task SignIn() => _operator = await Api.OperatorAsync();

    [Test]
    public async Task One_request_and_every_message_it_causes_make_one_trace_whose_id_the_user_got_as_correlation_id()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 1);
        var response = await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish");
        await Api.ReadAsync(response, HttpStatusCode.Accepted);
        var correlationId = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.That(correlationId, Does.Match("^[0-9a-f]{32}$"), "a W3C trace id");
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 1, "tasks split the order");

        // orders (the HTTP request) -> settlement (OrderPublished) -> orders (OrderFunded) -> tasks (OrderReadyForWork,
        // from orders' prepare-work job). Each service's spans are read through the gateway; a service with two instances
        // answers from one of them per request, so ask until the one that handled the message answers.
        var gatewaySpans = await SpansAsync("/ops/traces/" + correlationId, s => s.Any(span => span.Kind == "Server"));
        Assert.That(gatewaySpans.Select(s => s.TraceId), Is.All.EqualTo(correlationId));
        var ordersSpans = await SpansAsync($"/api/orders/ops/traces/{correlationId}",
            s => s.Any(span => span.Kind == "Server") && s.Any(span => span.Source == "MassTransit" && span.Kind == "Consumer"));
        Assert.That(ordersSpans.Any(s => s.Name.StartsWith("outbox publish", StringComparison.Ordinal)), Is.True, "the relay's publish span");
        Assert.That(ordersSpans.Any(s => s.Source == "Npgsql"), Is.True, "database commands of the request");
        foreach (var service in new[] { "settlement", "tasks" })
        {
            var spans = await SpansAsync($"/api/{service}/ops/traces/{correlationId}",
                s => s.Any(span => span.Source == "MassTransit" && span.Kind == "Consumer"));
            Assert.That(spans.Select(s => s.TraceId), Is.All.EqualTo(correlationId), service);
        }
    }

    [Test]
    public async Task A_caller_may_name_the_correlation_id_and_it_becomes_the_trace_id()
    {
        var given = Guid.NewGuid();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders/orders");
        request.Headers.Add("X-Correlation-Id", given.ToString());
        var enterprise = await Api.SignUpAsync("enterprise");
        var response = await enterprise.Http.SendAsync(request);
        Assert.That(response.Headers.GetValues("X-Correlation-Id").Single(), Is.EqualTo(given.ToString("N")));
        var spans = await SpansAsync($"/api/orders/ops/traces/{given}", s => s.Any(span => span.Kind == "Server"));
        Assert.That(spans.First(s => s.Kind == "Server").Tags["http.route"], Does.StartWith("/orders"));
    }

    [Test]
    public async Task The_traces_endpoint_is_for_operators_and_names_a_bad_trace_id()
    {
        var worker = await Api.SignUpAsync("worker");
        var traceId = Guid.NewGuid().ToString("N");
        Assert.That((await worker.Http.GetAsync($"/api/tasks/ops/traces/{traceId}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await worker.Http.GetAsync($"/ops/traces/{traceId}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var anonymous = Api.Anonymous();
        Assert.That((await anonymous.GetAsync($"/api/tasks/ops/traces/{traceId}")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var bad = await _operator.Http.GetAsync("/api/tasks/ops/traces/not-a-trace");
        var problem = await Api.ReadAsync(bad, HttpStatusCode.BadRequest);
        Assert.That(bad.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain("traceId"));
        var unknown = await _operator.GetAsync($"/api/tasks/ops/traces/{traceId}?limit=100000");
        Assert.That(unknown.GetProperty("spans").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Each_service_serves_prometheus_metrics_on_its_own_port_with_request_latency_per_route_and_the_outbox_backlog()
    {
        // Something to measure in every service: a request with a route, and a claim in tasks.
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2);
        var worker = await Api.SignUpAsync("worker");
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);

        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var service in new[] { "orders", "bidding", "tasks", "payouts", "settlement" })
        {
            foreach (var instance in Cluster.Instances(service))
            {
                var response = await scraper.GetAsync(new Uri(instance, "/metrics"));
                var text = await response.Content.ReadAsStringAsync();
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{service} at {instance}");
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
                Assert.That(text, Does.Contain("marketplace_outbox_backlog"), service);
                Assert.That(text, Does.Contain("marketplace_outbox_oldest_age_seconds"), service);
            }
        }
        // Latency per route of the endpoint that answered, and the claim counted, on whichever instance took them.
        await Api.EventuallyAsync(async () =>
        {
            var texts = await Task.WhenAll(Cluster.Instances("tasks").Select(i => scraper.GetStringAsync(new Uri(i, "/metrics"))));
            return texts.Any(t => t.Contains("marketplace_tasks_claims_total{") && t.Contains("outcome=\"claimed\""))
                && texts.Any(t => t.Contains("http_server_request_duration_seconds_bucket{") && t.Contains("http_route=\"/assignments/claim\""));
        }, "tasks reports the claim and its latency by route", TimeSpan.FromSeconds(10));
        var orders = await scraper.GetStringAsync(new Uri(Cluster.Instances("orders")[0], "/metrics"));
        Assert.That(orders, Does.Contain("http_route=\"/orders/{id:guid}/publish\"").Or.Contain("http_route=\"/orders/{id}/publish\""));
        Assert.That(orders, Does.Contain("messaging_masstransit_consume"), "MassTransit's own meter (consumes, and their errors when any)");

        // Job runs are counted by job, on the instance that ran them.
        await Jobs.RunNowAsync("settlement", "expire-pending-escrow");
        await Api.EventuallyAsync(async () =>
        {
            var texts = await Task.WhenAll(Cluster.Instances("settlement").Select(i => scraper.GetStringAsync(new Uri(i, "/metrics"))));
            return texts.Any(t => t.Contains("marketplace_jobs_succeeded_total{") && t.Contains("job=\"ExpirePendingEscrow\""));
        }, "settlement counts the job's run", TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task The_gateways_metrics_answer_operators_only_and_no_services_metrics_pass_through_it()
    {
        using var anonymous = Api.Anonymous();
        Assert.That((await anonymous.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var worker = await Api.SignUpAsync("worker");
        Assert.That((await worker.Http.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var scrape = await _operator.Http.GetAsync("/metrics");
        Assert.That(scrape.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await scrape.Content.ReadAsStringAsync(), Does.Contain("http_server_request_duration_seconds"));

        foreach (var path in new[] { "/api/tasks/metrics", "/api/orders//metrics", "/api/payouts/Metrics/" })
        {
            Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
            Assert.That((await _operator.Http.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }
    }

    private sealed record Span(string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind, string Source,
        Dictionary<string, string> Tags);

    /// <summary>The spans the operator's traces endpoint gives, asked again until <paramref name="complete"/> holds.</summary>
    private async Task<IReadOnlyList<Span>> SpansAsync(string path, Func<IReadOnlyList<Span>, bool> complete)
    {
        IReadOnlyList<Span> spans = [];
        await Api.EventuallyAsync(async () =>
        {
            var trace = await _operator.GetAsync(path);
            spans = trace.GetProperty("spans").Deserialize<List<Span>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            return complete(spans);
        }, $"{path} shows the trace", TimeSpan.FromSeconds(30));
        return spans;
    }
}
