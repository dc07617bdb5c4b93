using System.Text.Json;
using Dapper;
using MassTransit;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

/// <summary>Who a notice is for: one account, or every member of an organisation (an enterprise's or a vendor's people).</summary>
public abstract record Recipient
{
    public sealed record User(Guid UserId) : Recipient;

    public sealed record Organisation(Guid OrganisationId) : Recipient;
}

/// <summary>
/// One thing to tell: a stable <paramref name="Kind"/> (<c>submission.rejected</c>) and the facts the portal fills its own
/// sentence with (<paramref name="Params"/>, serialized as a camelCase JSON object). Never English text.
/// </summary>
public sealed record Notice(Recipient To, string Kind, object Params, DateTimeOffset OccurredAt);

/// <summary>
/// The shape of every notification consumer: describe the message as notices; the base stores them with the message in
/// the inbox, in one transaction, so a redelivered message notifies nobody twice. Adding a kind is one subclass in
/// <see cref="Kinds"/> (and a line in docs/api.md).
/// </summary>
public abstract class NotificationConsumer<T>(NpgsqlDataSource db) : IConsumer<T> where T : class
{
    protected abstract IEnumerable<Notice> Describe(T message);

    public Task Consume(ConsumeContext<T> context) =>
        db.ApplyOnceAsync(context, GetType().Name, tx => Notices.AddAsync(tx, context.MessageId!.Value, Describe(context.Message)));
}

public static class Notices
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores each notice for its recipients. A recipient the gateway has no account for is skipped rather than failed:
    /// nobody could read it, and a retry would not make the account appear.
    /// </summary>
    public static async Task AddAsync(NpgsqlTransaction tx, Guid messageId, IEnumerable<Notice> notices)
    {
        foreach (var notice in notices)
        {
            var (userId, organisationId) = notice.To switch
            {
                Recipient.User u => ((Guid?)u.UserId, (Guid?)null),
                Recipient.Organisation o => (null, o.OrganisationId),
                _ => throw new ArgumentOutOfRangeException(nameof(notices), notice.To, "unknown recipient"),
            };
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO notifications (id, user_id, kind, params, occurred_at, source_message_id)
                SELECT gen_random_uuid(), u.id, @Kind, @json::jsonb, @OccurredAt, @messageId
                FROM users u
                WHERE u.id = @userId OR u.organisation_id = @organisationId
                ON CONFLICT (source_message_id, user_id, kind) DO NOTHING
                """, new
            {
                notice.Kind, json = JsonSerializer.Serialize(notice.Params, Json), OccurredAt = notice.OccurredAt.UtcDateTime,
                messageId, userId, organisationId,
            }, tx);
        }
    }
}
