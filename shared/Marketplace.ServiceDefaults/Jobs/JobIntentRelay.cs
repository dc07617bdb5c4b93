using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Hangfire;
using Hangfire.States;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using HangfireJob = Hangfire.Common.Job;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// Hands committed job intents to Hangfire: a due one is enqueued, a later one scheduled for its time. Rows are claimed
/// with FOR UPDATE SKIP LOCKED, so instances split the work; the row is marked in the same transaction after Hangfire
/// accepted the job. A crash between the two leaves the intent unmarked and it is handed over again: jobs are written to
/// be safe to run twice. Woken at once by an intent written in this process; polls for the rest (another instance's
/// intents are its own relay's, so the poll is only the safety net after a crash).
/// </summary>
internal sealed class JobIntentRelay(
    NpgsqlDataSource dataSource,
    IServiceProvider services,
    IOptions<JobOptions> options,
    ILogger<JobIntentRelay> logger) : BackgroundService
{
    internal static readonly WakeSignal Signal = new();
    private const int BatchSize = 100;
    private static readonly ConcurrentDictionary<string, (Type Job, System.Reflection.MethodInfo Method, Type Payload)?> Jobs = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var handed = 0;
            try
            {
                handed = await HandOverAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Handing job intents to Hangfire failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); } catch (OperationCanceledException) { return; }
            }
            if (handed < BatchSize)
            {
                // A wake-up comes as the intent is written, before its transaction commits: look again shortly after.
                try
                {
                    if (await Signal.WaitAsync(options.Value.IntentPollInterval, stoppingToken))
                        await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
                }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async Task<int> HandOverAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One cheap probe while idle; the transaction only when there is something to hand over.
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM job_intents WHERE enqueued_at IS NULL)"))
            return 0;
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string claim = """
            SELECT id, job_type, payload::text AS payload, run_at, correlation_id
            FROM job_intents
            WHERE enqueued_at IS NULL
            ORDER BY id
            LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED
            """;
        var rows = (await connection.QueryAsync<IntentRow>(claim, new { BatchSize }, tx)).AsList();
        var client = (IBackgroundJobClient)services.GetService(typeof(IBackgroundJobClient))!;
        try
        {
            foreach (var row in rows)
            {
                var job = Jobs.GetOrAdd(row.JobType, Resolve);
                if (job is null)
                {
                    // Written by a newer or older build that knows this job; leave it for an instance that does.
                    logger.LogError("Job intent {Id}: unknown job type {JobType}", row.Id, row.JobType);
                    continue;
                }
                var payload = JsonSerializer.Deserialize(row.Payload, job.Value.Payload, JobIntents.Json);
                var call = new HangfireJob(job.Value.Job, job.Value.Method, payload, CancellationToken.None);
                // The job carries on the trace of whatever asked for it (JobCorrelationFilter reads it back).
                Correlation.Current = row.CorrelationId;
                IState state = row.RunAt is { } at && at > DateTime.UtcNow
                    ? new ScheduledState(NotBefore(DateTime.SpecifyKind(at, DateTimeKind.Utc)))
                    : new EnqueuedState();
                var hangfireJobId = client.Create(call, state);
                await connection.ExecuteAsync("UPDATE job_intents SET enqueued_at = now(), hangfire_job_id = @hangfireJobId WHERE id = @Id",
                    new { hangfireJobId, row.Id }, tx);
            }
        }
        finally
        {
            // The relay's own loop carries no request's trace, whatever the last intent was.
            Correlation.Current = null;
        }
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    /// <summary>
    /// Hangfire keeps a scheduled job's time in whole seconds, cut down (its "schedule" set is scored by Unix seconds), so
    /// a job due at 12:00:07.68 was enqueued at 12:00:07.0: early, and a job that checks whether its work is due yet found
    /// nothing to do (a payout recheck ran before the payout could be asked about again, and the payout waited for the
    /// next batch). Rounding the time up to the next whole second means a job never runs before the time asked for.
    /// </summary>
    internal static DateTime NotBefore(DateTime at)
    {
        var remainder = at.Ticks % TimeSpan.TicksPerSecond;
        return remainder == 0 ? at : at.AddTicks(TimeSpan.TicksPerSecond - remainder);
    }

    private static (Type, System.Reflection.MethodInfo, Type)? Resolve(string typeName)
    {
        var type = Type.GetType(typeName);
        var contract = type?.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJob<>));
        if (type is null || contract is null) return null;
        var payload = contract.GetGenericArguments()[0];
        var method = type.GetMethod(nameof(IJob<object>.RunAsync), [payload, typeof(CancellationToken)]);
        return method is null ? null : (type, method, payload);
    }

    private sealed record IntentRow(long Id, string JobType, string Payload, DateTime? RunAt, Guid? CorrelationId);
}
