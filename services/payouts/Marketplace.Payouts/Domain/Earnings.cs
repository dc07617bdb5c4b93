using Dapper;
using Npgsql;

namespace Marketplace.Payouts.Domain;

/// <summary>A worker's earnings: held first, available after the hold, or reversed while held.</summary>
public static class Earnings
{
    /// <summary>Records an earning once (by assignment or bonus) as held, and adds it to the worker's held balance.</summary>
    public static Task AddHeldAsync(NpgsqlTransaction tx, string kind, Guid? assignmentId, Guid? bonusId, Guid workerId, Guid orderId,
        decimal amount, string currency, string? reason, DateTimeOffset approvedAt, TimeSpan hold)
    {
        const string sql = """
            WITH earned AS (
                INSERT INTO earnings (id, kind, assignment_id, bonus_id, worker_id, order_id, amount, currency, reason, approved_at,
                                      status, available_at)
                VALUES (@id, @kind, @assignmentId, @bonusId, @workerId, @orderId, @amount, @currency, @reason, @approvedAt,
                        'held', @availableAt)
                ON CONFLICT DO NOTHING
                RETURNING worker_id, currency, amount)
            INSERT INTO worker_balances (worker_id, currency, held)
            SELECT worker_id, currency, amount FROM earned
            ON CONFLICT (worker_id, currency) DO UPDATE SET held = worker_balances.held + EXCLUDED.held
            """;
        return tx.Connection!.ExecuteAsync(sql, new
        {
            id = Guid.CreateVersion7(), kind, assignmentId, bonusId, workerId, orderId, amount, currency, reason,
            approvedAt = approvedAt.ToUniversalTime(), availableAt = (approvedAt + hold).ToUniversalTime(),
        }, tx);
    }
}
