using Dapper;
using Marketplace.Labeling;
using Npgsql;

namespace Marketplace.Orders.Domain;

/// <summary>
/// What an order costs at most, and so what escrow holds: every regular item answered up to the overlap cap (or the
/// overlap), plus the gold slots mixed in at the gold share, at the unit price; plus the reserve for the minimum fee (see
/// <see cref="PlatformFee.MinimumFeeReserve"/>). Acceptance releases what was not used.
/// </summary>
public static class Budget
{
    public static (long GoldSlots, decimal Budget) Of(decimal unitPrice, long items, int overlap, int? overlapCap, decimal goldShare,
        decimal platformFee = 0m, decimal minimumFee = 0m)
    {
        var goldSlots = GoldMix.Slots(items * overlap, goldShare);
        var reserve = PlatformFee.MinimumFeeReserve(minimumFee, platformFee, items * overlap + goldSlots);
        return (goldSlots, unitPrice * (items * (overlapCap ?? overlap) + goldSlots) + reserve);
    }

    /// <summary>Sets a draft's item counts and the budget that follows from them.</summary>
    public static async Task RecountAsync(NpgsqlTransaction tx, Guid orderId, long items, long goldItems)
    {
        var terms = await tx.Connection!.QuerySingleAsync<(decimal UnitPrice, int Overlap, int? OverlapCap, decimal GoldShare, decimal PlatformFee, decimal MinimumFee)>(
            "SELECT unit_price, overlap, overlap_cap, gold_share, platform_fee, minimum_fee FROM orders WHERE id = @orderId", new { orderId }, tx);
        var (goldSlots, budget) = Of(terms.UnitPrice, items, terms.Overlap, terms.OverlapCap, terms.GoldShare, terms.PlatformFee, terms.MinimumFee);
        var reserve = PlatformFee.MinimumFeeReserve(terms.MinimumFee, terms.PlatformFee, items * terms.Overlap + goldSlots);
        await tx.Connection!.ExecuteAsync("""
            UPDATE orders SET item_count = @items, gold_item_count = @goldItems, gold_slots = @goldSlots, budget = @budget,
                              minimum_fee_reserve = @reserve, updated_at = now()
            WHERE id = @orderId
            """, new { orderId, items = (int)items, goldItems = (int)goldItems, goldSlots = (int)goldSlots, budget, reserve }, tx);
    }
}
