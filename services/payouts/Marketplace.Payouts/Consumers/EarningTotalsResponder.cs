using Dapper;
using MassTransit;
using Marketplace.Contracts.Payouts;
using Npgsql;

namespace Marketplace.Payouts.Consumers;

/// <summary>
/// Answers settlement's reconciliation: earnings and sent payouts before the watermark (read-only). Per order, the
/// earnings of approved assignments (reversed ones too: the approval happened, and its reversal is a transaction of its
/// own in the ledger); per worker, what is owed: every earning (bonuses too) less reversals and sent payouts.
/// </summary>
public sealed class EarningTotalsResponder(NpgsqlDataSource db) : IConsumer<GetEarningTotals>
{
    public async Task Consume(ConsumeContext<GetEarningTotals> context)
    {
        var request = context.Message;
        var watermark = request.Watermark.UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, context.CancellationToken);
        const string orders = """
            SELECT order_id, count(*) AS earnings, sum(amount) AS amount FROM earnings
            WHERE approved_at < @watermark AND kind = 'assignment'
            GROUP BY order_id
            """;
        const string workers = """
            SELECT worker_id, currency, sum(earned) AS earned, sum(paid_out) AS paid_out, bool_or(near) AS paid_near_watermark
            FROM (
                SELECT worker_id, currency, amount AS earned, 0 AS paid_out, false AS near
                FROM earnings WHERE approved_at < @watermark
                UNION ALL
                -- A reversed earning is no longer owed (settlement books the reversing transaction).
                SELECT worker_id, currency, -amount, 0, reversed_at >= @watermark - @margin
                FROM earnings WHERE status = 'reversed' AND reversed_at < @watermark
                UNION ALL
                SELECT worker_id, currency, 0, CASE WHEN completed_at < @watermark THEN amount ELSE 0 END,
                       completed_at >= @watermark - @margin AND completed_at < @watermark + @margin
                FROM payouts WHERE status = 'sent'
            ) movements
            GROUP BY worker_id, currency
            """;
        var args = new { watermark, margin = request.Margin };
        var byOrder = (await connection.QueryAsync<OrderEarningTotal>(orders, args, tx, commandTimeout: 300)).ToList();
        var byWorker = (await connection.QueryAsync<WorkerEarningTotal>(workers, args, tx, commandTimeout: 300)).ToList();
        var details = new List<EarningRef>();
        if (request.DetailOrderIds.Count > 0)
        {
            details.AddRange(await connection.QueryAsync<EarningRef>("""
                SELECT assignment_id, order_id, worker_id, amount FROM earnings
                WHERE approved_at < @watermark AND kind = 'assignment' AND order_id = ANY(@ids)
                """, new { watermark, ids = request.DetailOrderIds.ToArray() }, tx));
        }
        var vendors = (await connection.QueryAsync<VendorWithdrawalTotal>("""
            SELECT vendor_org_id, currency, coalesce(sum(amount) FILTER (WHERE completed_at < @watermark), 0) AS sent,
                   bool_or(completed_at >= @watermark - @margin AND completed_at < @watermark + @margin) AS sent_near_watermark
            FROM vendor_withdrawals WHERE status = 'sent'
            GROUP BY vendor_org_id, currency
            """, args, tx, commandTimeout: 300)).ToList();
        // The bank's side of the same withdrawals (its transfers are keyed by the withdrawal id): a transfer the bank took
        // for a withdrawal still unanswered here is in flight, not a discrepancy.
        var bank = (await connection.QueryAsync<VendorWithdrawalTotal>("""
            SELECT w.vendor_org_id, t.currency, coalesce(sum(t.amount) FILTER (WHERE t.received_at < @watermark), 0) AS sent,
                   bool_or(w.status = 'pending' OR (t.received_at >= @watermark - @margin AND t.received_at < @watermark + @margin)
                           OR (w.completed_at >= @watermark - @margin AND w.completed_at < @watermark + @margin)) AS sent_near_watermark
            FROM fake_bank_transfers t JOIN vendor_withdrawals w ON t.reference = replace(w.id::text, '-', '')
            GROUP BY w.vendor_org_id, t.currency
            """, args, tx, commandTimeout: 300)).ToList();
        await tx.CommitAsync(context.CancellationToken);
        await context.RespondAsync(new EarningTotals(request.Watermark, byOrder, byWorker, details, vendors, bank));
    }
}
