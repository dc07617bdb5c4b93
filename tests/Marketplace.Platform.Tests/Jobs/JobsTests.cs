using System.Collections.Concurrent;
using Dapper;
using Hangfire;
using Hangfire.Storage;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Data;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.Platform.Tests.Jobs;

/// <summary>
/// The services' job set-up (AddJobs: Hangfire on PostgreSQL, the job intents relay) in hosts of its own against a fresh
/// database on the test PostgreSQL: each host is what one service instance runs.
/// </summary>
[TestFixture]
public class JobsTests
{
    private readonly List<WebApplication> _hosts = [];

    [OneTimeTearDown]
    public async Task StopHosts()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    [Test]
    public async Task A_job_that_throws_is_retried_with_backoff_and_then_shown_as_failed()
    {
        var host = await HostAsync(await NewDatabaseAsync());
        var key = Guid.NewGuid();

        var requestId = await AskAsync<ThrowingJob, Probe>(host, new Probe(key));

        var jobId = await HangfireIdOfAsync(host, requestId);
        var details = await EventuallyAsync(() =>
        {
            var d = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().JobDetails(jobId);
            return d?.History.FirstOrDefault()?.StateName == "Failed" ? d : null;
        }, TimeSpan.FromSeconds(60), "the job ends failed");
        var states = details.History.Select(h => h.StateName).Reverse().ToList();
        var calls = Calls.Where(c => c.Key == key).ToList();
        // The waits as Hangfire scheduled them (its due times are whole seconds, so the clock between runs is not the measure).
        var waits = details.History.Reverse().Where(h => h.StateName == "Scheduled")
            .Select(h => Hangfire.Common.JobHelper.DeserializeDateTime(h.Data["EnqueueAt"])
                         - Hangfire.Common.JobHelper.DeserializeDateTime(h.Data["ScheduledAt"]))
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(calls, Has.Count.EqualTo(3), "the first try and two retries (Jobs:RetryAttempts = 2)");
            Assert.That(states.Count(s => s == "Scheduled"), Is.EqualTo(2), "each retry waited as a scheduled job");
            Assert.That(waits.Select(w => Math.Round(w.TotalSeconds)), Is.EqualTo(new[] { 1.0, 5.0 }),
                "the waits grow: 1 s, then 5 s (Jobs:RetryBaseDelay = 1 s, each wait five times the last)");
            Assert.That(details.History.First().Data["ExceptionMessage"], Does.Contain("the payment rail is down"));
        });
    }

    [Test]
    public async Task Two_instances_never_run_the_same_job_at_once_and_both_take_work()
    {
        var database = await NewDatabaseAsync();
        var first = await HostAsync(database);
        var second = await HostAsync(database);
        var keys = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();

        await using (var connection = await first.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            foreach (var key in keys) await JobIntents.EnqueueAsync<SlowJob, Probe>(tx, new Probe(key));
            await tx.CommitAsync();
        }

        await EventuallyAsync(() => keys.All(k => SlowJob.Runs.ContainsKey(k)) ? "" : null, TimeSpan.FromSeconds(60), "every job ran");
        var ran = keys.Select(k => SlowJob.Runs[k]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(SlowJob.Overlaps, Is.Zero, "a job ran on two instances at once");
            Assert.That(ran.All(r => r.Count == 1), Is.True, "every job ran exactly once");
            Assert.That(ran.Select(r => r.Instance).Distinct().Count(), Is.EqualTo(2), "both instances took work");
        });
    }

    [Test]
    public async Task A_job_asked_for_at_a_time_never_runs_before_it()
    {
        var host = await HostAsync(await NewDatabaseAsync());
        // Due times with fractions of a second all through one second: Hangfire keeps whole seconds, so without rounding
        // up the later ones would run up to a second early.
        var asked = new List<(Guid Key, DateTimeOffset RunAt)>();
        var start = DateTimeOffset.UtcNow.AddSeconds(2);
        await using (var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            for (var i = 0; i < 5; i++)
            {
                var key = Guid.NewGuid();
                var runAt = start.AddMilliseconds(150 + 200 * i);
                await JobIntents.EnqueueAsync<TimedJob, Probe>(tx, new Probe(key), runAt);
                asked.Add((key, runAt));
            }
            await tx.CommitAsync();
        }

        foreach (var (key, runAt) in asked)
        {
            var ranAt = await EventuallyAsync(() => TimedJob.RanAt.TryGetValue(key, out var at) ? (DateTimeOffset?)at : null,
                TimeSpan.FromSeconds(30), "the scheduled job ran");
            Assert.That(ranAt, Is.GreaterThanOrEqualTo(runAt), $"the job due at {runAt:HH:mm:ss.fff} ran at {ranAt:HH:mm:ss.fff}");
        }
    }

    [Test]
    public async Task A_job_asked_for_in_a_transaction_that_rolls_back_never_runs()
    {
        var host = await HostAsync(await NewDatabaseAsync());
        var kept = Guid.NewGuid();
        var dropped = Guid.NewGuid();
        var db = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using (var rolledBack = await connection.BeginTransactionAsync())
            {
                await JobIntents.EnqueueAsync<RecordingJob, Probe>(rolledBack, new Probe(dropped));
                await rolledBack.RollbackAsync();
            }
            await using var committed = await connection.BeginTransactionAsync();
            await JobIntents.EnqueueAsync<RecordingJob, Probe>(committed, new Probe(kept));
            await committed.CommitAsync();
        }

        await EventuallyAsync(() => RecordingJob.Seen.ContainsKey(kept) ? "" : null, TimeSpan.FromSeconds(30), "the committed job ran");
        // Evidence that nothing else is pending rather than a sleep: every intent of this database has been handed over.
        await using var check = await db.OpenConnectionAsync();
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT count(*) FROM job_intents WHERE enqueued_at IS NULL"), Is.Zero);
        Assert.That(RecordingJob.Seen.ContainsKey(dropped), Is.False);
    }

    [Test]
    public async Task A_job_carries_the_correlation_id_of_the_request_that_asked_for_it()
    {
        var host = await HostAsync(await NewDatabaseAsync());
        var key = Guid.NewGuid();
        var correlation = Guid.CreateVersion7();
        Correlation.Current = correlation;
        try { await AskAsync<RecordingJob, Probe>(host, new Probe(key)); }
        finally { Correlation.Current = null; }

        var seen = await EventuallyAsync(() => RecordingJob.Seen.TryGetValue(key, out var c) ? (Guid?)c : null, TimeSpan.FromSeconds(30), "the job ran");
        Assert.That(seen, Is.EqualTo(correlation));
    }

    [Test]
    public async Task A_job_whose_instance_died_while_running_it_is_run_again()
    {
        var database = await NewDatabaseAsync();
        var host = await HostAsync(database, enabled: false);
        var key = Guid.NewGuid();
        var requestId = await AskAsync<RecordingJob, Probe>(host, new Probe(key));
        var jobId = await HangfireIdOfAsync(host, requestId);
        await using (var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        {
            // What a crashed instance leaves behind: the job fetched from the queue an hour ago, never finished.
            Assert.That(await connection.ExecuteAsync(
                "UPDATE hangfire.jobqueue SET fetchedat = now() - interval '1 hour' WHERE jobid = @jobId", new { jobId = long.Parse(jobId) }), Is.EqualTo(1));
        }

        await HostAsync(database);

        await EventuallyAsync(() => RecordingJob.Seen.ContainsKey(key) ? "" : null, TimeSpan.FromSeconds(30), "another instance ran it");
    }

    [Test]
    public async Task Recurring_jobs_are_registered_from_the_build_and_a_retired_one_is_removed()
    {
        var database = await NewDatabaseAsync();
        var host = await HostAsync(database, recurring: services => services.AddRecurringJob<RecurringProbe>("probe-every-minute", TimeSpan.FromMinutes(1)));
        host.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<RecurringProbe>("retired", j => j.RunAsync(CancellationToken.None), Cron.Daily());

        var restarted = await HostAsync(database, recurring: services => services.AddRecurringJob<RecurringProbe>("probe-every-minute", TimeSpan.FromMinutes(1)));

        using var connection = restarted.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs();
        Assert.That(jobs.Select(j => j.Id), Does.Contain("probe-every-minute").And.Not.Contain("retired"));
        Assert.That(jobs.Single(j => j.Id == "probe-every-minute").Cron, Is.EqualTo("0 */1 * * * *"));
    }

    [TestCase(5, "*/5 * * * * *")]
    [TestCase(60, "0 */1 * * * *")]
    [TestCase(900, "0 */15 * * * *")]
    [TestCase(3600, "0 0 */1 * * *")]
    [TestCase(86400, "0 0 */24 * * *")]
    public void An_interval_becomes_a_cron_schedule(int seconds, string cron) =>
        Assert.That(CronSchedule.Every(TimeSpan.FromSeconds(seconds)), Is.EqualTo(cron));

    [TestCase(7)]
    [TestCase(0)]
    [TestCase(150)]
    public void An_interval_no_cron_schedule_can_keep_is_refused(int seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CronSchedule.Every(TimeSpan.FromSeconds(seconds)));

    // --- hosts and jobs ---

    private static readonly ConcurrentBag<(Guid Key, DateTimeOffset At)> Calls = [];

    public sealed record Probe(Guid Key);

    public sealed class ThrowingJob : IJob<Probe>
    {
        public Task RunAsync(Probe payload, CancellationToken ct)
        {
            Calls.Add((payload.Key, DateTimeOffset.UtcNow));
            throw new InvalidOperationException("the payment rail is down");
        }
    }

    public sealed class RecordingJob : IJob<Probe>
    {
        public static readonly ConcurrentDictionary<Guid, Guid?> Seen = new();

        public Task RunAsync(Probe payload, CancellationToken ct)
        {
            Seen[payload.Key] = Correlation.Current;
            return Task.CompletedTask;
        }
    }

    public sealed class TimedJob : IJob<Probe>
    {
        public static readonly ConcurrentDictionary<Guid, DateTimeOffset> RanAt = new();

        public Task RunAsync(Probe payload, CancellationToken ct)
        {
            RanAt.TryAdd(payload.Key, DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }
    }

    public sealed class SlowJob(ServiceIdentity identity) : IJob<Probe>
    {
        public static readonly ConcurrentDictionary<Guid, (int Count, string Instance)> Runs = new();
        private static readonly ConcurrentDictionary<Guid, byte> Running = new();
        public static int Overlaps;

        public async Task RunAsync(Probe payload, CancellationToken ct)
        {
            if (!Running.TryAdd(payload.Key, 0)) Interlocked.Increment(ref Overlaps);
            await Task.Delay(50, ct);
            Running.TryRemove(payload.Key, out _);
            Runs.AddOrUpdate(payload.Key, (1, identity.InstanceId), (_, r) => (r.Count + 1, r.Instance));
        }
    }

    public sealed class RecurringProbe : IRecurringJob
    {
        public Task RunAsync(CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>A database of the test's own: every host on it is an instance of one service, and no other test's hosts take its jobs.</summary>
    private static async Task<string> NewDatabaseAsync()
    {
        var name = $"platform_jobs_{Guid.NewGuid():N}"[..40];
        await Migrator.EnsureDatabaseAsync(TestDatabase.ServerConnectionString, name, CancellationToken.None);
        return name;
    }

    private async Task<WebApplication> HostAsync(string database, bool enabled = true, Action<IServiceCollection>? recurring = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["Postgres:ConnectionString"] = TestDatabase.ServerConnectionString;
        builder.Configuration["Postgres:Database"] = database;
        TestKeys.AddThrowawayPublicKey(builder.Configuration);
        builder.Configuration["Jobs:Enabled"] = enabled.ToString();
        builder.Configuration["Jobs:RetryAttempts"] = "2";
        builder.Configuration["Jobs:RetryBaseDelay"] = "00:00:01";
        builder.Configuration["Jobs:SchedulePollInterval"] = "00:00:00.500";
        builder.Configuration["Jobs:IntentPollInterval"] = "00:00:00.500";
        builder.AddServiceDefaults("platform-jobs", typeof(JobsTests).Assembly);
        builder.AddJobs();
        recurring?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    private static async Task<long> AskAsync<TJob, TPayload>(WebApplication host, TPayload payload) where TJob : IJob<TPayload>
    {
        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var id = await JobIntents.EnqueueAsync<TJob, TPayload>(tx, payload);
        await tx.CommitAsync();
        return id!.Value;
    }

    private static async Task<string> HangfireIdOfAsync(WebApplication host, long requestId)
    {
        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return await EventuallyAsync(() => connection.ExecuteScalar<string?>(
            "SELECT hangfire_job_id FROM job_intents WHERE id = @requestId", new { requestId }), TimeSpan.FromSeconds(30), "the request reached Hangfire");
    }

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}");
            await Task.Delay(100);
        }
    }
}
