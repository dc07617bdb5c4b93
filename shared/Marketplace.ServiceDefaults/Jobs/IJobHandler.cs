using System.Text.Json;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>A kind of durable job. Handlers must be safe to run again: a run can be retried after a crash.</summary>
public interface IJobHandler
{
    string Name { get; }

    Task RunAsync(JobContext job, CancellationToken ct);
}

public sealed record JobContext(long JobId, string Name, JsonElement Payload, int Attempt)
{
    public T PayloadAs<T>() => Payload.Deserialize<T>(Jobs.Json)!;
}

public sealed record RecurringJob(string Name, TimeSpan Interval);

public sealed class JobRunnerOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public bool Enabled { get; set; } = true;
    public TimeSpan SucceededRetention { get; set; } = TimeSpan.FromDays(7);
}

internal static class Jobs
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
