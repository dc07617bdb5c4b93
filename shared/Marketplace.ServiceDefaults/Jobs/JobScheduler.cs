using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>Schedules a one-off job inside the caller's transaction, so the deadline commits with the state it guards.</summary>
public static class JobScheduler
{
    /// <param name="uniqueKey">When set, scheduling the same key again is a no-op (returns null).</param>
    public static async Task<long?> ScheduleAsync(
        NpgsqlTransaction tx, string name, object? payload, DateTimeOffset runAt, string? uniqueKey = null, int maxAttempts = 5)
    {
        const string sql = """
            INSERT INTO jobs (name, payload, unique_key, run_at, max_attempts, correlation_id)
            VALUES (@name, @payload::jsonb, @uniqueKey, @runAt, @maxAttempts, @correlationId)
            ON CONFLICT (unique_key) DO NOTHING
            RETURNING id
            """;
        return await tx.Connection!.ExecuteScalarAsync<long?>(sql, new
        {
            name,
            payload = JsonSerializer.Serialize(payload ?? new { }, Jobs.Json),
            uniqueKey,
            runAt = runAt.ToUniversalTime(),
            maxAttempts,
            correlationId = Marketplace.ServiceDefaults.Messaging.Correlation.Current,
        }, tx);
    }

    /// <summary>Enqueue a recurring job to run now (an operator's "run it now").</summary>
    public static async Task<long> EnqueueNowAsync(NpgsqlDataSource dataSource, string name, object? payload = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var id = await ScheduleAsync(tx, name, payload, DateTimeOffset.UtcNow);
        await tx.CommitAsync();
        return id!.Value;
    }
}
