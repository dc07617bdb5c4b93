using Dapper;
using Npgsql;

namespace Marketplace.Orders.Domain;

public static class OrderTransitions
{
    /// <summary>Moves an order from <paramref name="from"/> (guarded: a concurrent move makes this return false) and records it.</summary>
    public static async Task<bool> MoveAsync(NpgsqlTransaction tx, Guid orderId, string from, string to, string? reason = null)
    {
        if (!OrderStatus.CanMove(from, to)) throw new InvalidOperationException($"An order cannot move from {from} to {to}");
        const string sql = """
            WITH moved AS (
                UPDATE orders SET status = @to, updated_at = now(),
                       funding_failure_reason = CASE WHEN @to = 'funding_failed' THEN @reason ELSE NULL END
                WHERE id = @orderId AND status = @from
                RETURNING id)
            INSERT INTO order_transitions (order_id, from_status, to_status, reason)
            SELECT id, @from, @to, @reason FROM moved
            """;
        return await tx.Connection!.ExecuteAsync(sql, new { orderId, from, to, reason }, tx) == 1;
    }
}
