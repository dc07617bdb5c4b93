using System.Net;
using MassTransit;
using Marketplace.Contracts.Settlement;

namespace Marketplace.EndToEnd.Tests;

[TestFixture]
public class OperationsTests
{
    [Test]
    public async Task Every_service_is_healthy_through_the_gateway()
    {
        using var anonymous = Api.Anonymous();
        var op = await Api.OperatorAsync();
        foreach (var service in new[] { "orders", "bidding", "tasks", "payouts", "settlement" })
        {
            var health = await Api.ReadAsync(await op.Http.GetAsync($"/api/{service}/health"), HttpStatusCode.OK);
            Assert.That(health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString(), Is.EqualTo("Healthy"), service);
            Assert.That(health.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString(), Is.EqualTo("Healthy"), service);
            await Api.ReadAsync(await anonymous.GetAsync($"/api/{service}/openapi/v1.json"), HttpStatusCode.OK);
        }
        // The portal answers at / (its footer links every service's document: the browser tests follow them).
        var page = await anonymous.GetStringAsync("/");
        Assert.That(page, Does.Contain("数据标注平台"));
    }

    [Test]
    public async Task An_operator_runs_a_recurring_job_now_and_follows_it_to_success()
    {
        foreach (var (service, job) in new[]
                 {
                     ("tasks", "auto-approve-due"), ("tasks", "lease-sweep"), ("tasks", "replace-standing-rejections"),
                     ("payouts", "release-held-earnings"), ("payouts", "payout-batch"), ("settlement", "expire-pending-escrow"),
                 })
            await Jobs.RunNowAsync(service, job);
        var op = await Api.OperatorAsync();
        var unknown = await op.PostAsync("/api/payouts/ops/jobs/recurring/no-such-job/trigger");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await op.Http.GetAsync($"/api/payouts/ops/jobs/{long.MaxValue}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Every_services_jobs_dashboard_opens_for_operators_and_no_one_else()
    {
        var op = await Api.OperatorAsync();
        var others = new[] { await Api.SignUpAsync("worker"), await Api.SignUpAsync("vendor"), await Api.SignUpAsync("enterprise") };
        using var anonymous = Api.Anonymous();
        foreach (var service in new[] { "orders", "bidding", "tasks", "payouts", "settlement" })
        {
            var path = $"/api/{service}/hangfire/";
            Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{service}: no token");
            foreach (var other in others)
                Assert.That((await other.Http.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{service}: a {other.Role}'s token");
            var page = await op.Http.GetAsync(path);
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), service);
            var html = await page.Content.ReadAsStringAsync();
            Assert.That(html, Does.Contain($"{service} "), "the dashboard names its service");
            Assert.That(html, Does.Contain($"href=\"/api/{service}/hangfire/recurring\""), "its links go through the gateway");
            var recurring = await (await op.Http.GetAsync($"/api/{service}/hangfire/recurring")).Content.ReadAsStringAsync();
            if (service == "tasks") Assert.That(recurring, Does.Contain("auto-approve-due").And.Contain("lease-sweep"));
        }
    }

    [Test]
    public async Task The_portal_opens_a_dashboard_with_an_operator_cookie_that_no_other_path_accepts()
    {
        var op = await Api.OperatorAsync();
        var worker = await Api.SignUpAsync("worker");
        Assert.That((await worker.PostAsync("/api/auth/dashboard-session")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var session = await op.PostAsync("/api/auth/dashboard-session");
        Assert.That(session.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var cookie = session.Headers.GetValues("Set-Cookie").Single();
        Assert.That(cookie, Does.StartWith("marketplace_ops=").And.Contain("httponly").IgnoreCase.And.Contain("samesite=strict").IgnoreCase
            .And.Contain("path=/api/"));
        using var browser = Api.Anonymous();
        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/api/payouts/hangfire/");
        dashboard.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.That((await browser.SendAsync(dashboard)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the cookie opens the dashboard");
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/payouts/ops/dead-letters");
        api.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.That((await browser.SendAsync(api)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the API takes bearer tokens only");
    }

    [Test]
    public async Task The_auto_approval_and_payout_batch_jobs_succeed_and_an_operator_retries_and_deletes_one_on_the_dashboard()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);

        // Nobody reviews it: once its review window is over, the auto-approve sweep does, and says so.
        await Jobs.AutoApproveNowAsync(id);
        var approved = await worker.GetAsync($"/api/tasks/assignments/{id}");
        Assert.That(approved.GetProperty("status").GetString(), Is.EqualTo("approved"));
        Assert.That(approved.GetProperty("autoApproved").GetBoolean(), Is.True);

        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 0.90m, "the worker earned 0.90");
        var requestId = (await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted))
            .GetProperty("requestId").GetInt64();
        string? jobId = null;
        await Api.EventuallyAsync(async () => (jobId = (await op.GetAsync($"/api/payouts/ops/jobs/requests/{requestId}")).GetProperty("jobId").GetString()) is not null,
            "the request reached Hangfire");
        await Jobs.SucceededAsync(op, "payouts", jobId!);
        var request = await op.GetAsync($"/api/payouts/ops/jobs/requests/{requestId}");
        Assert.That(request.GetProperty("job").GetString(), Is.EqualTo("RunPayoutBatch"));
        Assert.That(request.GetProperty("state").GetString(), Is.EqualTo("Succeeded"));

        // The dashboard's own buttons (as its page posts them): run the job again, then delete it.
        Assert.That((await op.Http.PostAsync($"/api/payouts/hangfire/jobs/actions/requeue/{jobId}", null)).IsSuccessStatusCode, Is.True, "requeue");
        await Api.EventuallyAsync(async () =>
        {
            var job = await op.GetAsync($"/api/payouts/ops/jobs/{jobId}");
            return job.GetProperty("state").GetString() == "Succeeded"
                && job.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("state").GetString() == "Succeeded") == 2;
        }, "the requeued job ran again");
        Assert.That((await op.Http.PostAsync($"/api/payouts/hangfire/jobs/actions/delete/{jobId}", null)).IsSuccessStatusCode, Is.True, "delete");
        await Api.EventuallyAsync(async () => (await op.GetAsync($"/api/payouts/ops/jobs/{jobId}")).GetProperty("state").GetString() == "Deleted",
            "the job is deleted");
        Assert.That((await worker.Http.PostAsync($"/api/payouts/hangfire/jobs/actions/delete/{jobId}", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_message_that_keeps_failing_lands_in_the_error_queue_and_an_operator_can_replay_it()
    {
        var op = await Api.OperatorAsync();
        var messageId = await PublishFundingForAnUnknownOrderAsync();

        async Task<bool> Parked() => (await op.GetAsync("/api/orders/ops/dead-letters")).EnumerateArray()
            .Any(d => d.GetProperty("messageId").GetString() == messageId.ToString());
        await Api.EventuallyAsync(Parked, "the message is in orders' error queue", TimeSpan.FromSeconds(60));
        Assert.That(await Parked(), Is.True, "listing does not consume the message");

        var letter = (await op.GetAsync("/api/orders/ops/dead-letters")).EnumerateArray()
            .First(d => d.GetProperty("messageId").GetString() == messageId.ToString());
        Assert.That(letter.GetProperty("reason").GetString(), Does.Contain("unknown"));
        var queue = letter.GetProperty("queue").GetString();
        await Api.ReadAsync(await op.PostAsync($"/api/orders/ops/dead-letters/{queue}/{messageId}/replay"), HttpStatusCode.Accepted);
        // Replayed, it fails the same way and is parked again: nothing is lost either way.
        await Api.EventuallyAsync(Parked, "the replayed message is parked again", TimeSpan.FromSeconds(60));
        Assert.That((await op.PostAsync($"/api/orders/ops/dead-letters/{queue}/{Guid.NewGuid()}/replay")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>
    /// Publishes funding for an order orders has never heard of: it cannot be applied, so orders retries it and then
    /// parks it in its error queue. Returns the message's id.
    /// </summary>
    public static async Task<Guid> PublishFundingForAnUnknownOrderAsync()
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(
            Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
            ushort.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "61672"), "/", h =>
            {
                h.Username(Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "test");
                h.Password(Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "test");
            }));
        await bus.StartAsync();
        var messageId = NewId.NextGuid();
        try
        {
            await bus.Publish(new OrderFunded(Guid.NewGuid(), Guid.NewGuid(), 1m, "CNY", Guid.NewGuid(), DateTimeOffset.UtcNow),
                ctx => ctx.MessageId = messageId);
        }
        finally
        {
            await bus.StopAsync();
        }
        return messageId;
    }
}

[TestFixture]
public class CorrelationTests
{
    [Test]
    public async Task One_correlation_id_follows_an_order_through_every_service_it_touches()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 1);
        var correlationId = Guid.NewGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/orders/{orderId}/publish");
        request.Headers.Add("X-Correlation-Id", correlationId.ToString());
        var response = await enterprise.Http.SendAsync(request);
        // The id is the request's trace id, written as trace ids are: the Guid's 32 hex digits.
        Assert.That(response.Headers.GetValues("X-Correlation-Id").Single(), Is.EqualTo(correlationId.ToString("N")));
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 1, "tasks split the order");

        // orders (HTTP) -> settlement (OrderPublished) -> orders (OrderFunded) -> tasks (OrderReadyForWork)
        string[] LogsMentioning() => Directory.GetFiles(Path.Combine(Cluster.Root, ".data/test/logs"), "*.log")
            .Where(file => Cluster.ReadShared(file).Contains(correlationId.ToString("N")))
            .Select(file => Path.GetFileNameWithoutExtension(file).Split('-')[0]).Distinct().Order().ToArray();
        await Api.EventuallyAsync(() => Task.FromResult(LogsMentioning().Length >= 3), "every service involved logged the correlation id", TimeSpan.FromSeconds(20));
        Assert.That(LogsMentioning(), Is.SupersetOf(new[] { "orders", "settlement", "tasks" }));
    }
}
