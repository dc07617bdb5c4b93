using Dapper;
using Npgsql;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// Hangfire's queues. Long jobs (a dataset import, an export, splitting an order's work: minutes each) are marked
/// <c>[Hangfire.Queue(JobQueues.Long)]</c> and run on workers of their own (<see cref="JobOptions.LongWorkerCount"/>), so
/// however many of them wait, the short ones (sweeps, callbacks, exam results) still find a worker.
/// </summary>
public static class JobQueues
{
    public const string Default = "default";
    public const string Long = "long";
}

/// <summary>
/// One run at a time of a job for one thing. Hangfire keeps a running job's claim alive by heartbeat, but a claim can still
/// pass (the heartbeat's connection failing while the job runs on): the second fetch then finds the thing held by the
/// first run and leaves. A session-level advisory lock, so a run that dies lets go with its connection.
/// </summary>
public static class JobLock
{
    /// <returns>the held lock (dispose to release), or null when another run holds it.</returns>
    public static async Task<IAsyncDisposable?> TryTakeAsync(NpgsqlConnection connection, string key, CancellationToken ct)
    {
        var taken = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_lock(hashtextextended(@key, 0))", new { key }, cancellationToken: ct));
        return taken ? new Held(connection, key) : null;
    }

    private sealed class Held(NpgsqlConnection connection, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection.State == System.Data.ConnectionState.Open)
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@key, 0))", new { key });
        }
    }
}
