using System.Collections.Concurrent;
using Dapper;
using Marketplace.ServiceDefaults.Data;
using Marketplace.ServiceDefaults.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Platform.Tests.Jobs;

[TestFixture]
public class JobRunnerTests
{
    private NpgsqlDataSource _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await TestDatabase.CreateAsync("jobs");

    [OneTimeTearDown]
    public async Task Dispose() => await _db.DisposeAsync();

    [Test]
    public async Task A_job_that_throws_is_retried_and_then_recorded_as_failed()
    {
        var handler = new ThrowingJob();
        var runner = Runner(handler, "runner-a");
        var jobId = await Schedule(handler.Name, maxAttempts: 3);

        for (var i = 0; i < 10 && await runner.RunOneAsync(CancellationToken.None); i++) { }

        await using var connection = await _db.OpenConnectionAsync();
        var job = await connection.QuerySingleAsync<(string Status, int Attempts, string LastError)>(
            "SELECT status, attempts, last_error FROM jobs WHERE id = @jobId", new { jobId });
        var runs = (await connection.QueryAsync<(int Attempt, string Outcome, string Error)>(
            "SELECT attempt, outcome, error FROM job_runs WHERE job_id = @jobId ORDER BY attempt", new { jobId })).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(handler.Calls, Is.EqualTo(3), "tried max_attempts times");
            Assert.That(job.Status, Is.EqualTo("failed"));
            Assert.That(job.Attempts, Is.EqualTo(3));
            Assert.That(job.LastError, Does.Contain("the payment rail is down"));
            Assert.That(runs.Select(r => r.Attempt), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(runs.All(r => r.Outcome == "failed" && r.Error.Contains("the payment rail is down")), Is.True);
        });
    }

    [Test]
    public async Task A_failed_job_is_retried_with_backoff_not_at_once()
    {
        var handler = new ThrowingJob();
        var runner = Runner(handler, "runner-backoff", baseRetryDelay: TimeSpan.FromMinutes(10));
        var jobId = await Schedule(handler.Name, maxAttempts: 5);

        await runner.RunOneAsync(CancellationToken.None);
        var ranAgain = await runner.RunOneAsync(CancellationToken.None);

        await using var connection = await _db.OpenConnectionAsync();
        var (status, runAt) = await connection.QuerySingleAsync<(string, DateTime)>("SELECT status, run_at FROM jobs WHERE id = @jobId", new { jobId });
        Assert.That(ranAgain, Is.False);
        Assert.That(status, Is.EqualTo("scheduled"));
        Assert.That(runAt, Is.GreaterThan(DateTime.UtcNow.AddMinutes(9)));
    }

    [Test]
    public async Task Two_runner_instances_never_run_the_same_job_at_once()
    {
        var handler = new SlowJob();
        var first = Runner(handler, "runner-1");
        var second = Runner(handler, "runner-2");
        var ids = new List<long>();
        for (var i = 0; i < 30; i++) ids.Add(await Schedule(handler.Name, maxAttempts: 1));

        async Task Drain(JobRunner runner)
        {
            while (await runner.RunOneAsync(CancellationToken.None)) { }
        }
        await Task.WhenAll(Task.Run(() => Drain(first)), Task.Run(() => Drain(second)));

        await using var connection = await _db.OpenConnectionAsync();
        var statuses = (await connection.QueryAsync<string>("SELECT status FROM jobs WHERE id = ANY(@ids)", new { ids })).ToList();
        var instances = (await connection.QueryAsync<string>(
            "SELECT DISTINCT instance FROM job_runs WHERE job_id = ANY(@ids)", new { ids })).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(handler.Overlaps, Is.Zero, "a job ran on two instances at once");
            Assert.That(handler.Runs.Keys, Is.EquivalentTo(ids));
            Assert.That(handler.Runs.Values.All(count => count == 1), Is.True, "every job ran exactly once");
            Assert.That(statuses, Has.All.EqualTo("succeeded"));
            Assert.That(instances, Has.Count.EqualTo(2), "both instances took work");
        });
    }

    [Test]
    public async Task A_job_whose_instance_died_is_claimed_again_after_its_lease_lapses()
    {
        var handler = new SlowJob();
        var jobId = await Schedule(handler.Name, maxAttempts: 3);
        await using (var connection = await _db.OpenConnectionAsync())
        {
            // What a crashed instance leaves behind: running, locked by it, lease already over.
            await connection.ExecuteAsync("""
                UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'dead-instance', locked_until = now() - interval '1 second'
                WHERE id = @jobId
                """, new { jobId });
        }

        var ran = await Runner(handler, "runner-rescuer").RunOneAsync(CancellationToken.None);

        await using var check = await _db.OpenConnectionAsync();
        Assert.That(ran, Is.True);
        Assert.That(await check.ExecuteScalarAsync<string>("SELECT status FROM jobs WHERE id = @jobId", new { jobId }), Is.EqualTo("succeeded"));
    }

    private JobRunner Runner(IJobHandler handler, string instance, TimeSpan? baseRetryDelay = null) => new(
        _db, [handler], [],
        Options.Create(new JobRunnerOptions { BaseRetryDelay = baseRetryDelay ?? TimeSpan.Zero, Lease = TimeSpan.FromMinutes(1) }),
        new ServiceIdentity(instance, typeof(JobRunnerTests).Assembly),
        NullLogger<JobRunner>.Instance);

    private async Task<long> Schedule(string name, int maxAttempts)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var id = await JobScheduler.ScheduleAsync(tx, name, new { note = "test" }, DateTimeOffset.UtcNow.AddSeconds(-1), maxAttempts: maxAttempts);
        await tx.CommitAsync();
        return id!.Value;
    }

    private sealed class ThrowingJob : IJobHandler
    {
        public string Name { get; } = $"throwing-{Guid.NewGuid():N}";
        public int Calls;

        public Task RunAsync(JobContext job, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            throw new InvalidOperationException("the payment rail is down");
        }
    }

    private sealed class SlowJob : IJobHandler
    {
        private readonly ConcurrentDictionary<long, byte> _running = new();
        public string Name { get; } = $"slow-{Guid.NewGuid():N}";
        public readonly ConcurrentDictionary<long, int> Runs = new();
        public int Overlaps;

        public async Task RunAsync(JobContext job, CancellationToken ct)
        {
            if (!_running.TryAdd(job.JobId, 0)) Interlocked.Increment(ref Overlaps);
            Runs.AddOrUpdate(job.JobId, 1, (_, n) => n + 1);
            await Task.Delay(20, ct);
            _running.TryRemove(job.JobId, out _);
        }
    }
}
