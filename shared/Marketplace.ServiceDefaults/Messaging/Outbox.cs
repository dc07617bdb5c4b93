using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// Writes messages in the caller's transaction, so a state change and the messages it causes
/// commit together or not at all. The relay publishes them afterwards.
/// </summary>
public sealed class Outbox(WakeSignal signal)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Guid> AddAsync<T>(NpgsqlTransaction tx, T message) where T : class
    {
        var messageId = NewId();
        const string sql = """
            INSERT INTO outbox_messages (message_id, message_type, body, correlation_id, trace_parent)
            VALUES (@messageId, @messageType, @body::jsonb, @correlationId, @traceParent)
            """;
        await tx.Connection!.ExecuteAsync(sql, new
        {
            messageId,
            messageType = typeof(T).FullName + ", " + typeof(T).Assembly.GetName().Name,
            body = JsonSerializer.Serialize(message, Json),
            correlationId = Correlation.Current,
            // The relay publishes later, from a loop with no request around it: it parents its span on this, so the
            // consumers' spans join the trace of the request or message that wrote the row.
            traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null,
        }, tx);
        // Wake the relay once the caller commits; polling covers a wake-up that comes too early.
        signal.Notify();
        return messageId;
    }

    private static Guid NewId() => Guid.CreateVersion7();
}
