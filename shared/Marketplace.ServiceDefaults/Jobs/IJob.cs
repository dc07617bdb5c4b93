namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// A one-off job with its payload, run by Hangfire. Enqueue it with <see cref="JobIntents.EnqueueAsync{TJob,TPayload}"/>
/// inside the transaction whose state it follows. It must be safe to run again: a run can be retried after a crash.
/// </summary>
public interface IJob<in TPayload>
{
    Task RunAsync(TPayload payload, CancellationToken ct);
}

/// <summary>A job Hangfire runs on a schedule (see <see cref="JobsExtensions.AddRecurringJob{TJob}"/>); it sweeps what is due.</summary>
public interface IRecurringJob
{
    Task RunAsync(CancellationToken ct);
}
