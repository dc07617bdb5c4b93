using Dapper;
using Marketplace.ServiceDefaults.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// Claims due jobs with FOR UPDATE SKIP LOCKED under a lease, runs them, records every run, and retries
/// failures with exponential backoff until max_attempts, after which the job is 'failed' for an operator.
/// A job whose lease lapsed (its instance died) is claimed again. Any number of instances may run this.
/// </summary>
public sealed class JobRunner(
    NpgsqlDataSource dataSource,
    IEnumerable<IJobHandler> handlers,
    IEnumerable<RecurringJob> recurring,
    IOptions<JobRunnerOptions> options,
    ServiceIdentity identity,
    ILogger<JobRunner> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Name);
    private readonly JobRunnerOptions _options = options.Value;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        await Task.Yield();
        await RegisterRecurringAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var ran = false;
            try
            {
                await EnqueueDueRecurringAsync(stoppingToken);
                ran = await RunOneAsync(stoppingToken);
                await PruneAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job runner pass failed");
            }
            if (!ran)
            {
                try { await Task.Delay(_options.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task RegisterRecurringAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        foreach (var job in recurring)
        {
            const string sql = """
                INSERT INTO recurring_jobs (name, interval_seconds, next_run_at)
                VALUES (@Name, @seconds, now() + make_interval(secs => @seconds))
                ON CONFLICT (name) DO UPDATE SET interval_seconds = EXCLUDED.interval_seconds
                """;
            await connection.ExecuteAsync(sql, new { job.Name, seconds = (int)Math.Max(1, job.Interval.TotalSeconds) });
        }
    }

    private async Task EnqueueDueRecurringAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string due = """
            UPDATE recurring_jobs r
            SET next_run_at = now() + make_interval(secs => r.interval_seconds), last_enqueued_at = now()
            WHERE r.name IN (
                SELECT name FROM recurring_jobs WHERE next_run_at <= now() FOR UPDATE SKIP LOCKED)
            RETURNING r.name
            """;
        foreach (var name in await connection.QueryAsync<string>(due, transaction: tx))
        {
            // A recurring job still waiting or running is not queued a second time.
            var pending = await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE name = @name AND status IN ('scheduled', 'running'))", new { name }, tx);
            if (_handlers.ContainsKey(name) && !pending)
                await JobScheduler.ScheduleAsync(tx, name, null, DateTimeOffset.UtcNow, maxAttempts: 3);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Recurring jobs leave a row a run; succeeded ones older than the retention are deleted (failed ones stay for operators).</summary>
    private async Task PruneAsync(CancellationToken ct)
    {
        if (DateTimeOffset.UtcNow - _lastPrune < TimeSpan.FromMinutes(10)) return;
        _lastPrune = DateTimeOffset.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string sql = """
            WITH old AS (
                SELECT id FROM jobs WHERE status = 'succeeded' AND finished_at < now() - @retention LIMIT 10000)
            , runs AS (DELETE FROM job_runs WHERE job_id IN (SELECT id FROM old))
            DELETE FROM jobs WHERE id IN (SELECT id FROM old)
            """;
        await connection.ExecuteAsync(sql, new { retention = _options.SucceededRetention });
    }

    /// <returns>true when a job was run, so the loop looks for the next one at once.</returns>
    public async Task<bool> RunOneAsync(CancellationToken ct)
    {
        var names = _handlers.Keys.ToArray();
        ClaimedJob? job;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            const string claim = """
                UPDATE jobs j
                SET status = 'running', attempts = j.attempts + 1, locked_by = @instance,
                    locked_until = now() + make_interval(secs => @leaseSeconds)
                WHERE j.id = (
                    SELECT id FROM jobs
                    WHERE name = ANY(@names)
                      AND ((status = 'scheduled' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))
                    ORDER BY run_at
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING j.id, j.name, j.payload::text AS payload, j.attempts, j.max_attempts, j.correlation_id
                """;
            job = await connection.QuerySingleOrDefaultAsync<ClaimedJob>(claim, new
            {
                instance = identity.InstanceId,
                leaseSeconds = _options.Lease.TotalSeconds,
                names,
            });
            if (job is null) return false;
        }

        var runId = await RecordStartAsync(job, ct);
        // The job continues the trace of whatever scheduled it (a recurring job starts its own).
        Marketplace.ServiceDefaults.Messaging.Correlation.Current = job.CorrelationId ?? Guid.CreateVersion7();
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["JobId"] = job.Id, ["JobName"] = job.Name, ["CorrelationId"] = Marketplace.ServiceDefaults.Messaging.Correlation.Current,
        });
        try
        {
            using var payload = System.Text.Json.JsonDocument.Parse(job.Payload);
            await _handlers[job.Name].RunAsync(new JobContext(job.Id, job.Name, payload.RootElement.Clone(), job.Attempts), ct);
            await FinishAsync(job, runId, null, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Job {JobName} #{JobId} attempt {Attempt} failed", job.Name, job.Id, job.Attempts);
            await FinishAsync(job, runId, e, ct);
        }
        return true;
    }

    private async Task<long> RecordStartAsync(ClaimedJob job, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string sql = """
            INSERT INTO job_runs (job_id, job_name, attempt, instance, started_at)
            VALUES (@Id, @Name, @Attempts, @instance, now())
            RETURNING id
            """;
        return await connection.ExecuteScalarAsync<long>(sql, new { job.Id, job.Name, job.Attempts, instance = identity.InstanceId });
    }

    private async Task FinishAsync(ClaimedJob job, long runId, Exception? error, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync("""
            UPDATE job_runs SET finished_at = now(), outcome = @outcome, error = @message WHERE id = @runId
            """, new { runId, outcome = error is null ? "succeeded" : "failed", message = error?.ToString() }, tx);
        if (error is null)
        {
            await connection.ExecuteAsync("""
                UPDATE jobs SET status = 'succeeded', finished_at = now(), locked_by = NULL, locked_until = NULL, last_error = NULL
                WHERE id = @Id AND locked_by = @instance
                """, new { job.Id, instance = identity.InstanceId }, tx);
        }
        else if (job.Attempts >= job.MaxAttempts)
        {
            await connection.ExecuteAsync("""
                UPDATE jobs SET status = 'failed', finished_at = now(), locked_by = NULL, locked_until = NULL, last_error = @message
                WHERE id = @Id AND locked_by = @instance
                """, new { job.Id, instance = identity.InstanceId, message = error.Message }, tx);
        }
        else
        {
            var delay = TimeSpan.FromTicks(_options.BaseRetryDelay.Ticks * (1L << Math.Min(job.Attempts - 1, 10)));
            await connection.ExecuteAsync("""
                UPDATE jobs SET status = 'scheduled', run_at = now() + @delay, locked_by = NULL, locked_until = NULL, last_error = @message
                WHERE id = @Id AND locked_by = @instance
                """, new { job.Id, instance = identity.InstanceId, message = error.Message, delay }, tx);
        }
        await tx.CommitAsync(ct);
    }

    private sealed record ClaimedJob(long Id, string Name, string Payload, int Attempts, int MaxAttempts, Guid? CorrelationId);
}
