using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Claiming with leases through the gateway and both tasks instances: suites, heartbeats, release, lapse, the
/// per-worker limit, one item per worker, and no slot ever leased to two workers.
/// </summary>
[TestFixture]
public class LeaseTests
{
    private Actor _enterprise = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(_enterprise, 1000.00m);
    }

    private static async Task<JsonElement?> ClaimSuiteAsync(Actor worker, Guid orderId, int? size = null)
    {
        var response = await worker.PostAsync($"/api/tasks/assignments/claim-suite?orderId={orderId}" + (size is null ? "" : $"&size={size}"));
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        return await Api.ReadAsync(response, HttpStatusCode.OK);
    }

    private static List<(Guid Id, string ItemId)> Assignments(JsonElement? suite) =>
        suite is null ? [] : suite.Value.GetProperty("assignments").EnumerateArray()
            .Select(a => (a.GetProperty("assignmentId").GetGuid(), a.GetProperty("itemId").GetString()!)).ToList();

    [Test]
    public async Task A_suite_is_the_orders_suite_size_under_one_visible_lease_and_one_slot_per_item()
    {
        var worker = await Api.SignUpAsync("worker");
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { suiteSize = 4, overlap = 3 }, items: 6, unitPrice: 0.50m);

        var first = await ClaimSuiteAsync(worker, orderId);
        var claimed = Assignments(first);
        Assert.That(claimed, Has.Count.EqualTo(4));
        Assert.That(claimed.Select(c => c.ItemId).ToList(), Is.Unique, "never two slots of one item to one worker");
        var expiry = first!.Value.GetProperty("leaseExpiresAt").GetDateTime();
        Assert.That(expiry, Is.GreaterThan(DateTime.UtcNow.AddMinutes(5)), "the default lease is ten minutes");

        var mine = await worker.GetAsync("/api/tasks/assignments/mine");
        Assert.That(mine.EnumerateArray().Select(l => l.GetProperty("assignmentId").GetGuid()), Is.EquivalentTo(claimed.Select(c => c.Id)));

        var second = Assignments(await ClaimSuiteAsync(worker, orderId));
        Assert.That(second.Select(c => c.ItemId).Concat(claimed.Select(c => c.ItemId)).ToList(), Is.Unique.And.Count.EqualTo(6));
        Assert.That(await ClaimSuiteAsync(worker, orderId), Is.Null, "every item was handed to this worker once");
    }

    [Test]
    public async Task A_lapsed_lease_returns_the_work_to_the_pool_and_the_late_worker_is_told()
    {
        var slow = await Api.SignUpAsync("worker");
        var other = await Api.SignUpAsync("worker");
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { leaseSeconds = 5 }, items: 1, unitPrice: 0.50m);
        var claimed = Assignments(await ClaimSuiteAsync(slow, orderId)).Single();
        Assert.That(await ClaimSuiteAsync(other, orderId), Is.Null, "the only slot is leased");

        JsonElement? taken = null;
        await Api.EventuallyAsync(async () => (taken = await ClaimSuiteAsync(other, orderId)) is not null,
            "the lapsed slot can be claimed again", TimeSpan.FromSeconds(30));
        Assert.That(Assignments(taken).Single().Id, Is.EqualTo(claimed.Id));

        var late = await Api.ReadAsync(await slow.PostAsync($"/api/tasks/assignments/{claimed.Id}/submit", new { answer = "positive" }), HttpStatusCode.Conflict);
        Assert.That(late.GetProperty("currentState").GetString(), Is.EqualTo("lease_expired"));
        var heartbeat = await Api.ReadAsync(await slow.PostAsync($"/api/tasks/assignments/{claimed.Id}/heartbeat"), HttpStatusCode.Conflict);
        Assert.That(heartbeat.GetProperty("currentState").GetString(), Is.EqualTo("lease_expired"));
        Assert.That((await slow.GetAsync("/api/tasks/assignments/mine")).GetArrayLength(), Is.Zero);
        await Api.ReadAsync(await other.PostAsync($"/api/tasks/assignments/{claimed.Id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
    }

    [Test]
    public async Task A_heartbeat_keeps_the_work_past_its_first_expiry()
    {
        var worker = await Api.SignUpAsync("worker");
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { leaseSeconds = 5, suiteSize = 2 }, items: 2, unitPrice: 0.50m);
        var suite = await ClaimSuiteAsync(worker, orderId);
        var firstExpiry = suite!.Value.GetProperty("leaseExpiresAt").GetDateTime();
        for (var beat = 0; beat < 4; beat++)
        {
            await Task.Delay(2500);
            var leases = await Api.ReadAsync(await worker.PostAsync("/api/tasks/assignments/heartbeat"), HttpStatusCode.OK);
            Assert.That(leases.GetArrayLength(), Is.EqualTo(2), $"both leases are still held at beat {beat}");
        }
        Assert.That(DateTime.UtcNow, Is.GreaterThan(firstExpiry.AddSeconds(3)), "the first expiry has passed");
        foreach (var (id, _) in Assignments(suite))
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "negative" }), HttpStatusCode.OK);
    }

    [Test]
    public async Task Released_work_goes_to_someone_else_and_never_back_to_the_worker_who_released_it()
    {
        var first = await Api.SignUpAsync("worker");
        var second = await Api.SignUpAsync("worker");
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { }, items: 1, unitPrice: 0.50m);
        var claimed = Assignments(await ClaimSuiteAsync(first, orderId)).Single();
        var released = await Api.ReadAsync(await first.PostAsync($"/api/tasks/assignments/{claimed.Id}/release"), HttpStatusCode.OK);
        Assert.That(released.GetProperty("status").GetString(), Is.EqualTo("open"));
        Assert.That((await first.PostAsync($"/api/tasks/assignments/{claimed.Id}/release")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await ClaimSuiteAsync(first, orderId), Is.Null);
        Assert.That(Assignments(await ClaimSuiteAsync(second, orderId)).Single().Id, Is.EqualTo(claimed.Id));
        Assert.That((await second.PostAsync($"/api/tasks/assignments/{Guid.NewGuid()}/heartbeat")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await first.PostAsync($"/api/tasks/assignments/{claimed.Id}/heartbeat")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task A_worker_never_holds_more_than_the_per_worker_limit()
    {
        var worker = await Api.SignUpAsync("worker");
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { suiteSize = 50 }, items: 30, unitPrice: 0.10m);
        Assert.That(Assignments(await ClaimSuiteAsync(worker, orderId)), Has.Count.EqualTo(20), "the suite is cut to the limit of 20");
        var refused = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("limit is 20"));
        Assert.That((await worker.GetAsync("/api/tasks/assignments/mine")).GetArrayLength(), Is.EqualTo(20));
    }

    [TestCase("0")]
    [TestCase("51")]
    [TestCase("many")]
    public async Task A_suite_size_out_of_range_is_refused(string size)
    {
        var worker = await Api.SignUpAsync("worker");
        var response = await worker.PostAsync($"/api/tasks/assignments/claim-suite?size={size}");
        var problem = await Api.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.ToString(), Does.Contain("size"));
    }

    [Test]
    public async Task Two_hundred_concurrent_claimers_on_two_instances_never_share_a_slot()
    {
        var orderId = await Scenario.PublishedOrderWithAsync(_enterprise, new { suiteSize = 3, overlap = 2 }, items: 250, unitPrice: 0.05m);
        var workers = new ConcurrentBag<Actor>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (_, _) => workers.Add(await Api.SignUpAsync("worker")));

        var claims = new ConcurrentBag<(Guid Worker, Guid Assignment, string Item)>();
        // Every worker claims at once, round after round, until a whole round hands out nothing (SKIP LOCKED passes over
        // slots other claims hold locked, so a round can come back short while slots remain).
        for (var round = 0; round < 10; round++)
        {
            var before = claims.Count;
            using var start = new SemaphoreSlim(0);
            var claimers = workers.Select(async worker =>
            {
                await start.WaitAsync();
                foreach (var (id, item) in Assignments(await ClaimSuiteAsync(worker, orderId)))
                    claims.Add((worker.UserId, id, item));
            }).ToList();
            start.Release(workers.Count);
            await Task.WhenAll(claimers);
            if (claims.Count == before) break;
        }

        Assert.That(claims.Select(c => c.Assignment).ToList(), Is.Unique, "no slot was leased twice");
        Assert.That(claims, Has.Count.EqualTo(500), "every slot was handed out, once");
        Assert.That(claims.GroupBy(c => c.Worker).Select(g => g.Select(c => c.Item).ToList()), Has.All.Unique, "no worker got an item twice");
        var stored = await _enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments");
        var holder = stored.EnumerateArray().ToDictionary(a => a.GetProperty("id").GetGuid(), a => a.GetProperty("workerId").GetGuid());
        Assert.That(claims.All(c => holder[c.Assignment] == c.Worker), Is.True, "each slot is held by the worker who was told it was theirs");
    }
}
