using System.Text.Json;
using Dapper;
using Marketplace.Bidding.Features;
using Marketplace.Contracts.Bidding;
using Marketplace.ServiceDefaults.Messaging;
using MassTransit;
using Npgsql;

namespace Marketplace.Bidding.Consumers;

/// <summary>
/// orders opens a call for a funded bid-mode order: one call per order and round, its terms stored whole. The vendors who
/// may see it are told (CallForBidsOpened with the audience, in the same transaction).
/// </summary>
public sealed class OpenCallForBidsConsumer(NpgsqlDataSource db, Outbox outbox) : IConsumer<OpenCallForBids>
{
    public Task Consume(ConsumeContext<OpenCallForBids> context)
    {
        var m = context.Message;
        return db.ApplyOnceAsync(context, nameof(OpenCallForBidsConsumer), async tx =>
        {
            var invited = (m.Terms.Tender?.InvitedVendorOrgIds ?? []).ToArray();
            var callId = await tx.Connection!.ExecuteScalarAsync<Guid?>("""
                INSERT INTO calls (id, order_id, round, enterprise_org_id, title, instructions, terms, task_type, industry, data_grade,
                                   invited_vendor_org_ids, auto_award, item_count, budget, currency, order_deadline, bid_deadline, opened_at)
                VALUES (@id, @OrderId, @Round, @EnterpriseOrgId, @Title, @Instructions, @terms::jsonb, @taskType, @industry, @dataGrade,
                        @invited, @autoAward, @ItemCount, @Budget, @currency, @orderDeadline, @bidDeadline, @openedAt)
                ON CONFLICT (order_id, round) DO NOTHING
                RETURNING id
                """, new
            {
                id = Guid.CreateVersion7(), m.OrderId, m.Round, m.EnterpriseOrgId, m.Title, m.Instructions,
                terms = JsonSerializer.Serialize(m.Terms, CallRow.Json), taskType = m.Terms.TaskType, industry = m.Terms.Industry,
                dataGrade = m.Terms.DataGrade, invited, autoAward = m.Terms.Tender?.AutoAward ?? false, m.ItemCount, m.Budget,
                currency = m.Terms.Currency, orderDeadline = m.Terms.Deadline.UtcDateTime, bidDeadline = m.BidDeadline.UtcDateTime,
                openedAt = m.OccurredAt.UtcDateTime,
            }, tx);
            if (callId is not { } id) return;
            var audience = await CallRows.AudienceAsync(tx.Connection!, m.Terms.DataGrade, m.Terms.TaskType, m.Terms.Industry, invited, tx);
            await outbox.AddAsync(tx, new CallForBidsOpened(m.OrderId, id, m.Round, m.EnterpriseOrgId, m.Title, m.Terms.TaskType,
                m.Terms.Industry, m.Terms.DataGrade, m.ItemCount, m.Budget, m.Terms.Currency, m.BidDeadline, audience, m.OccurredAt));
        });
    }
}

/// <summary>
/// The enterprise moved the deadline: an open call whose deadline has not passed yet (bids stay sealed), or a call that
/// closed with no bids, which opens again. A call that closed with bids is not reopened: its bids may have been read.
/// </summary>
public sealed class ExtendCallForBidsConsumer(NpgsqlDataSource db) : IConsumer<ExtendCallForBids>
{
    public Task Consume(ConsumeContext<ExtendCallForBids> context)
    {
        var m = context.Message;
        return db.ApplyOnceAsync(context, nameof(ExtendCallForBidsConsumer), tx => tx.Connection!.ExecuteAsync("""
            UPDATE calls SET bid_deadline = @deadline, status = 'open', closed_at = NULL
            WHERE order_id = @OrderId AND round = @Round AND @deadline > clock_timestamp()
              AND ((status = 'open' AND bid_deadline > clock_timestamp()) OR status = 'no_bids')
            """, new { m.OrderId, m.Round, deadline = m.BidDeadline.UtcDateTime }, tx));
    }
}

/// <summary>The order left the tender: its call closes without an award and its live bids are void.</summary>
public sealed class WithdrawCallForBidsConsumer(NpgsqlDataSource db) : IConsumer<WithdrawCallForBids>
{
    public Task Consume(ConsumeContext<WithdrawCallForBids> context)
    {
        var m = context.Message;
        return db.ApplyOnceAsync(context, nameof(WithdrawCallForBidsConsumer), async tx =>
        {
            var connection = tx.Connection!;
            var id = await connection.ExecuteScalarAsync<Guid?>("""
                UPDATE calls SET status = 'withdrawn', withdrawn_reason = @Reason, closed_at = coalesce(closed_at, clock_timestamp())
                WHERE id = (SELECT id FROM calls WHERE order_id = @OrderId AND round = @Round FOR UPDATE)
                  AND status IN ('open', 'closed', 'no_bids')
                RETURNING id
                """, new { m.OrderId, m.Round, m.Reason }, tx);
            if (id is { } callId)
                await connection.ExecuteAsync("UPDATE bids SET status = 'void', updated_at = clock_timestamp() WHERE call_id = @callId AND status = 'live'",
                    new { callId }, tx);
        });
    }
}

/// <summary>What orders' supermarket says a vendor is qualified for, whole; the newest snapshot wins.</summary>
public sealed class VendorQualificationsChangedConsumer(NpgsqlDataSource db) : IConsumer<VendorQualificationsChanged>
{
    public Task Consume(ConsumeContext<VendorQualificationsChanged> context)
    {
        var m = context.Message;
        return db.ApplyOnceAsync(context, nameof(VendorQualificationsChangedConsumer), tx => tx.Connection!.ExecuteAsync("""
            INSERT INTO vendor_qualifications (vendor_org_id, vendor_name, certificates, task_types, industries, occurred_at)
            VALUES (@VendorOrgId, @VendorName, @certificates::jsonb, @taskTypes, @industries, @occurredAt)
            ON CONFLICT (vendor_org_id) DO UPDATE SET vendor_name = EXCLUDED.vendor_name, certificates = EXCLUDED.certificates,
                task_types = EXCLUDED.task_types, industries = EXCLUDED.industries, occurred_at = EXCLUDED.occurred_at
            WHERE vendor_qualifications.occurred_at < EXCLUDED.occurred_at
            """, new
        {
            m.VendorOrgId, m.VendorName, certificates = JsonSerializer.Serialize(m.Certificates, CallRow.Json),
            taskTypes = m.TaskTypes.ToArray(), industries = m.Industries.ToArray(), occurredAt = m.OccurredAt.UtcDateTime,
        }, tx));
    }
}
