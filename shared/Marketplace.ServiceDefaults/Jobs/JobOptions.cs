namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>Hangfire's settings for a service ("Jobs" in configuration).</summary>
public sealed class JobOptions
{
    /// <summary>False: this instance runs no jobs (it still enqueues them and serves the dashboard).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Workers per instance: jobs of one service run side by side, so one long import does not hold up the rest.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>Workers per instance for long jobs (<see cref="JobQueues.Long"/>) besides <see cref="WorkerCount"/>: imports and exports never hold up the rest.</summary>
    public int LongWorkerCount { get; set; } = 2;

    /// <summary>How often due delayed jobs and recurring schedules are looked for (Hangfire's SchedulePollingInterval).</summary>
    public TimeSpan SchedulePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The safety-net poll of the queue. New jobs wake a worker at once through PostgreSQL's LISTEN/NOTIFY
    /// (Hangfire.PostgreSql's long polling), so this only bounds the delay if a notification is lost.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often committed job intents are looked for when nothing in this process wrote one.</summary>
    public TimeSpan IntentPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tries after the first when a job throws; after the last it is failed, for an operator to retry or delete.</summary>
    public int RetryAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry; each next wait is five times longer (2 s, 10 s, 50 s, 250 s by default).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public int[] RetryDelaysInSeconds() =>
        Enumerable.Range(0, RetryAttempts).Select(i => (int)Math.Min(int.MaxValue, RetryBaseDelay.TotalSeconds * Math.Pow(5, i))).ToArray();

    /// <summary>Succeeded jobs stay visible on the dashboard this long.</summary>
    public TimeSpan SucceededRetention { get; set; } = TimeSpan.FromDays(1);
}
