using Dapper;
using Marketplace.Labeling;
using Npgsql;

namespace Marketplace.Orders.Domain;

/// <summary>
/// What an order costs at most, and so what escrow holds: every regular item answered up to the overlap cap (or the
/// overlap), plus the gold slots mixed in at the gold share, at the unit price. Acceptance releases what was not used.
/// </summary>
public static class Budget
{
    public static (long GoldSlots, decimal Budget) Of(decimal unitPrice, long items, int overlap, int? overlapCap, decimal goldShare)
    {
        var goldSlots = GoldMix.Slots(items * overlap, goldShare);
        return (goldSlots, unitPrice * (items * (overlapCap ?? overlap) + goldSlots));
    }

    /// <summary>Sets a draft's item counts and the budget that follows from them.</summary>
    public static async Task RecountAsync(NpgsqlTransaction tx, Guid orderId, long items, long goldItems)
    {
        var terms = await tx.Connection!.QuerySingleAsync<(decimal UnitPrice, int Overlap, int? OverlapCap, decimal GoldShare)>(
            "SELECT unit_price, overlap, overlap_cap, gold_share FROM orders WHERE id = @orderId", new { orderId }, tx);
        var (goldSlots, budget) = Of(terms.UnitPrice, items, terms.Overlap, terms.OverlapCap, terms.GoldShare);
        await tx.Connection!.ExecuteAsync("""
            UPDATE orders SET item_count = @items, gold_item_count = @goldItems, gold_slots = @goldSlots, budget = @budget, updated_at = now()
            WHERE id = @orderId
            """, new { orderId, items = (int)items, goldItems = (int)goldItems, goldSlots = (int)goldSlots, budget }, tx);
    }
}
