using Dapper;
using Npgsql;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>Makes a consumer idempotent: call inside the transaction that applies the message's effect.</summary>
public static class Inbox
{
    /// <returns>false when this consumer has already applied the message: skip the effect and commit.</returns>
    public static async Task<bool> TryRecordAsync(NpgsqlTransaction tx, Guid? messageId, string consumer)
    {
        if (messageId is null) throw new InvalidOperationException("A message without a MessageId cannot be de-duplicated");
        // A copy already applied is counted instead (xmax = 0 only for a freshly inserted row): the skip leaves evidence.
        const string sql = """
            INSERT INTO inbox_messages (message_id, consumer) VALUES (@messageId, @consumer)
            ON CONFLICT (message_id, consumer) DO UPDATE
                SET duplicates = inbox_messages.duplicates + 1, last_duplicate_at = now()
            RETURNING xmax = 0
            """;
        return await tx.Connection!.ExecuteScalarAsync<bool>(sql, new { messageId, consumer }, tx);
    }
}

public static class InboxConsumerExtensions
{
    /// <summary>
    /// The shape of every consumer: one transaction that records the message in the inbox and applies its effect
    /// (and writes any messages it causes to the outbox). A redelivered message commits nothing new.
    /// </summary>
    public static async Task ApplyOnceAsync<T>(this NpgsqlDataSource db, MassTransit.ConsumeContext<T> context, string consumer,
        Func<NpgsqlTransaction, Task> effect) where T : class
    {
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(context.CancellationToken);
        if (await Inbox.TryRecordAsync(tx, context.MessageId, consumer))
        {
            await effect(tx);
        }
        await tx.CommitAsync(context.CancellationToken);
    }
}
