using System.Text.Json;
using Dapper;
using MassTransit;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

/// <summary>
/// Who a notice is for: one account, or the members of one or more organisations (an enterprise's or a vendor's
/// people), all of them or only those whose role in the organisation cares (finance for money, reviewers for review
/// work: <see cref="Audiences"/>).
/// </summary>
public abstract record Recipient
{
    public sealed record User(Guid UserId) : Recipient;

    /// <summary>Several accounts (a vendor's team workers); one told twice is told once.</summary>
    public sealed record Users(IReadOnlyList<Guid> UserIds) : Recipient;

    /// <param name="OrgRoles">the members' roles told (<see cref="Marketplace.ServiceDefaults.Auth.OrgRoles"/>); null: every member.</param>
    public sealed record Organisation(Guid OrganisationId, IReadOnlyList<string>? OrgRoles = null) : Recipient;

    /// <summary>The members of several organisations (a call's audience of vendors); a person in two of them is told once.</summary>
    public sealed record Organisations(IReadOnlyList<Guid> OrganisationIds, IReadOnlyList<string>? OrgRoles = null) : Recipient;
}

/// <summary>The members a kind of news concerns, by their role in the organisation (OrgPolicy says who may act on it).</summary>
public static class Audiences
{
    /// <summary>Those who may commit the organisation's money: a call to bid on, a call to award, a bid's result.</summary>
    public static readonly IReadOnlyList<string> Money = OrgPolicy.RolesFor(OrgPermission.MoveMoney);

    /// <summary>Those who review and accept work: work that arrives, a delivery to sample.</summary>
    public static readonly IReadOnlyList<string> Review = OrgPolicy.RolesFor(OrgPermission.Review);

    /// <summary>Those who commit the organisation to work at a price: a sub-contract offered to it, or its own offer answered.</summary>
    public static readonly IReadOnlyList<string> Commit = OrgPolicy.RolesFor(OrgPermission.Commit);
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
            var (userIds, organisationIds, orgRoles) = notice.To switch
            {
                Recipient.User u => (new[] { u.UserId }, Array.Empty<Guid>(), (string[]?)null),
                Recipient.Users u => (u.UserIds.ToArray(), Array.Empty<Guid>(), (string[]?)null),
                Recipient.Organisation o => ([], [o.OrganisationId], o.OrgRoles?.ToArray()),
                Recipient.Organisations o => ([], o.OrganisationIds.ToArray(), o.OrgRoles?.ToArray()),
                _ => throw new ArgumentOutOfRangeException(nameof(notices), notice.To, "unknown recipient"),
            };
            // An organisation's people are its members now (memberships), in the roles named.
            await tx.Connection!.ExecuteAsync("""
                INSERT INTO notifications (id, user_id, kind, params, occurred_at, source_message_id)
                SELECT gen_random_uuid(), r.user_id, @Kind, @json::jsonb, @OccurredAt, @messageId
                FROM (SELECT u.id AS user_id FROM users u WHERE u.id = ANY (@userIds)
                      UNION
                      SELECT m.user_id FROM memberships m
                      WHERE m.organisation_id = ANY (@organisationIds) AND (@orgRoles::text[] IS NULL OR m.org_role = ANY (@orgRoles))) r
                ON CONFLICT (source_message_id, user_id, kind) DO NOTHING
                """, new
            {
                notice.Kind, json = JsonSerializer.Serialize(notice.Params, Json), OccurredAt = notice.OccurredAt.UtcDateTime,
                messageId, userIds, organisationIds, orgRoles,
            }, tx);
        }
    }
}
