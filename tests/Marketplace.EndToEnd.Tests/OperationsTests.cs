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
        foreach (var service in new[] { "orders", "bidding", "tasks", "payouts", "settlement" })
        {
            var health = await Api.ReadAsync(await anonymous.GetAsync($"/api/{service}/health"), HttpStatusCode.OK);
            Assert.That(health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString(), Is.EqualTo("Healthy"), service);
            Assert.That(health.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString(), Is.EqualTo("Healthy"), service);
            await Api.ReadAsync(await anonymous.GetAsync($"/api/{service}/openapi/v1.json"), HttpStatusCode.OK);
        }
        var page = await anonymous.GetStringAsync("/");
        Assert.That(page, Does.Contain("/api/settlement/openapi/v1.json"));
    }

    [Test]
    public async Task An_operator_sees_the_recurring_jobs_and_their_runs()
    {
        var op = await Api.OperatorAsync();
        await Api.EventuallyAsync(async () =>
        {
            var runs = await op.GetAsync("/api/tasks/ops/jobs/runs?outcome=succeeded");
            return runs.EnumerateArray().Any(r => r.GetProperty("jobName").GetString() == "publish-approvals");
        }, "a publish-approvals run is recorded");
        var jobs = await op.GetAsync("/api/tasks/ops/jobs?status=succeeded");
        Assert.That(jobs.GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public async Task An_operator_sees_every_services_jobs_and_runs()
    {
        var op = await Api.OperatorAsync();
        foreach (var service in new[] { "orders", "bidding", "tasks", "payouts", "settlement" })
        {
            Assert.That((await op.GetAsync($"/api/{service}/ops/jobs")).ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Array), service);
            Assert.That((await op.GetAsync($"/api/{service}/ops/jobs/runs")).ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Array), service);
            Assert.That((await op.GetAsync($"/api/{service}/ops/dead-letters")).ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Array), service);
        }
        var unknown = await op.PostAsync($"/api/payouts/ops/jobs/{long.MaxValue}/retry");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task The_auto_approval_and_payout_batch_jobs_show_up_as_succeeded()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);

        // Nobody reviews it: the durable auto-approve job does, and says so.
        await Api.EventuallyAsync(async () => (await worker.GetAsync($"/api/tasks/assignments/{id}")).GetProperty("status").GetString() == "approved",
            "the submission is approved automatically");
        var autoApprovals = (await op.GetAsync("/api/tasks/ops/jobs?status=succeeded&limit=1000")).EnumerateArray()
            .Where(j => j.GetProperty("name").GetString() == "auto-approve").ToList();
        Assert.That(autoApprovals, Is.Not.Empty, "succeeded auto-approve jobs are listed");
        var runs = await op.GetAsync("/api/tasks/ops/jobs/runs?outcome=succeeded&limit=1000");
        Assert.That(runs.EnumerateArray().Any(r => r.GetProperty("jobName").GetString() == "auto-approve"), Is.True, "their runs are recorded");
        Assert.That((await op.GetAsync("/api/tasks/ops/jobs?status=failed&limit=1000")).EnumerateArray()
            .Where(j => j.GetProperty("name").GetString() == "auto-approve"), Is.Empty, "no auto-approval failed");

        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == 0.90m, "the worker earned 0.90");
        var jobId = (await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted))
            .GetProperty("jobId").GetInt64();
        await Api.EventuallyAsync(async () => (await op.GetAsync("/api/payouts/ops/jobs?status=succeeded&limit=1000")).EnumerateArray()
            .Any(j => j.GetProperty("id").GetInt64() == jobId && j.GetProperty("name").GetString() == "payout-batch"),
            $"payout-batch job {jobId} succeeded");
        var batchRuns = await op.GetAsync("/api/payouts/ops/jobs/runs?limit=1000");
        var run = batchRuns.EnumerateArray().First(r => r.GetProperty("jobId").GetInt64() == jobId);
        Assert.That(run.GetProperty("outcome").GetString(), Is.EqualTo("succeeded"));
        Assert.That(run.GetProperty("instance").GetString(), Is.Not.Empty, "the run says which instance ran it");
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

        // orders (HTTP) -> settlement and bidding (OrderPublished) -> orders (OrderFunded) -> tasks (OrderReadyForWork)
        string[] LogsMentioning() => Directory.GetFiles(Path.Combine(Cluster.Root, ".data/test/logs"), "*.log")
            .Where(file => Cluster.ReadShared(file).Contains(correlationId.ToString("N")))
            .Select(file => Path.GetFileNameWithoutExtension(file).Split('-')[0]).Distinct().Order().ToArray();
        await Api.EventuallyAsync(() => Task.FromResult(LogsMentioning().Length >= 4), "every service involved logged the correlation id", TimeSpan.FromSeconds(20));
        Assert.That(LogsMentioning(), Is.SupersetOf(new[] { "bidding", "orders", "settlement", "tasks" }));
    }
}
