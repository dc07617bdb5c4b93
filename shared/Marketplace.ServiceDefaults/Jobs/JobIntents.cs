using System.Text.Json;
using Dapper;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// Asks for a job inside the caller's transaction: the request commits with the state it follows, or not at all, and
/// <see cref="JobIntentRelay"/> hands it to Hangfire afterwards (Hangfire cannot join an NpgsqlTransaction).
/// </summary>
public static class JobIntents
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="runAt">When the job is due; null or a past time runs it as soon as a worker is free.</param>
    /// <param name="uniqueKey">When set, asking again with the same key is a no-op (returns null).</param>
    /// <returns>The request's id (GET /ops/jobs/requests/{id} tells what became of it), or null for a repeated unique key.</returns>
    public static async Task<long?> EnqueueAsync<TJob, TPayload>(NpgsqlTransaction tx, TPayload payload,
        DateTimeOffset? runAt = null, string? uniqueKey = null) where TJob : IJob<TPayload>
    {
        const string sql = """
            INSERT INTO job_intents (job_type, payload, run_at, unique_key, correlation_id)
            VALUES (@jobType, @payload::jsonb, @runAt, @uniqueKey, @correlationId)
            ON CONFLICT (unique_key) DO NOTHING
            RETURNING id
            """;
        var id = await tx.Connection!.ExecuteScalarAsync<long?>(sql, new
        {
            jobType = TypeName(typeof(TJob)),
            payload = JsonSerializer.Serialize(payload, Json),
            runAt = runAt?.ToUniversalTime(),
            uniqueKey,
            correlationId = Correlation.Current,
        }, tx);
        JobIntentRelay.Signal.Notify();
        return id;
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
