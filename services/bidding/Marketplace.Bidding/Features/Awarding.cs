using Dapper;
using Marketplace.Bidding.Domain;
using Marketplace.Contracts.Bidding;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>
/// Closing a call at its deadline and awarding a bid, each exactly once: the caller holds the call's row lock (FOR UPDATE)
/// and every status change is guarded by the status it leaves, so a second closer or awarder changes nothing. The new
/// state and its event (CallForBidsClosed, BidAwarded) commit in one transaction (outbox).
/// </summary>
public static class Awarding
{
    /// <summary>A standing bid of a call with its score and what the score was made of.</summary>
    public sealed record RankedBid(BidScore Score, BidRow Bid, VendorRecord Record);

    public sealed class BidRow
    {
        public Guid Id { get; init; }
        public Guid VendorOrgId { get; init; }
        public string PriceKind { get; init; } = "";
        public decimal Amount { get; init; }
        public decimal Price { get; init; }
        public DateTime DeliverBy { get; init; }
        public int TeamSize { get; init; }
        public string Proposal { get; init; } = "";
        public string Status { get; init; } = "";
        public int Revision { get; init; }
        public DateTime PlacedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    /// <summary>Closes a due open call (locked by the caller): no_bids or closed, then the auto-award if the order asked for one.</summary>
    /// <returns>false when the call was not open and due (someone else closed it).</returns>
    public static async Task<bool> CloseAsync(NpgsqlTransaction tx, Outbox outbox, CallRow call)
    {
        var connection = tx.Connection!;
        var bids = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM bids WHERE call_id = @Id AND status = 'live'", new { call.Id }, tx);
        var closed = await connection.ExecuteAsync("""
            UPDATE calls SET status = @status, closed_at = clock_timestamp()
            WHERE id = @Id AND status = 'open' AND bid_deadline <= clock_timestamp()
            """, new { call.Id, status = bids == 0 ? CallStatus.NoBids : CallStatus.Closed }, tx);
        if (closed == 0) return false;
        await outbox.AddAsync(tx, new CallForBidsClosed(call.OrderId, call.Id, call.Round, bids, CallRow.Utc(call.Now), call.EnterpriseOrgId, call.Title));
        if (call.AutoAward && bids > 0)
        {
            var top = (await RankAsync(tx, call))[0];
            await AwardAsync(tx, outbox, call, top.Bid, automatic: true, reason: null);
        }
        return true;
    }

    /// <summary>The call's standing bids (live, or won and lost once decided), best first.</summary>
    public static async Task<IReadOnlyList<RankedBid>> RankAsync(NpgsqlTransaction? tx, CallRow call, NpgsqlConnection? connection = null)
    {
        connection ??= tx!.Connection!;
        var bids = (await connection.QueryAsync<BidRow>("""
            SELECT id, vendor_org_id, price_kind, amount, price, deliver_by, team_size, proposal, status, revision, placed_at, updated_at
            FROM bids WHERE call_id = @Id AND status IN ('live', 'won', 'lost')
            """, new { call.Id }, tx)).ToList();
        var records = await CallRows.RecordsAsync(connection, bids.Select(b => b.VendorOrgId), tx);
        var scores = BidScoring.Rank(bids.Select(b => new ScoredBidInput(b.Id, b.Price, CallRow.Utc(b.DeliverBy), CallRow.Utc(b.PlacedAt),
            records[b.VendorOrgId])).ToList(), call.BidDeadlineUtc);
        var byId = bids.ToDictionary(b => b.Id);
        return scores.Select(s => new RankedBid(s, byId[s.BidId], records[byId[s.BidId].VendorOrgId])).ToList();
    }

    /// <summary>Awards a live bid of a closed call (locked by the caller): the contract, won and lost bids, BidAwarded.</summary>
    public static async Task<Guid> AwardAsync(NpgsqlTransaction tx, Outbox outbox, CallRow call, BidRow bid, bool automatic, string? reason)
    {
        var connection = tx.Connection!;
        var awarded = await connection.ExecuteAsync("UPDATE calls SET status = 'awarded' WHERE id = @Id AND status = 'closed'", new { call.Id }, tx);
        if (awarded == 0) throw new InvalidOperationException($"Call {call.Id} is not closed: it cannot be awarded (the caller must hold its lock).");
        var decided = await connection.QueryAsync<(Guid Id, Guid VendorOrgId, string Status)>("""
            UPDATE bids SET status = CASE WHEN id = @bidId THEN 'won' ELSE 'lost' END, updated_at = clock_timestamp()
            WHERE call_id = @Id AND status = 'live'
            RETURNING id, vendor_org_id, status
            """, new { call.Id, bidId = bid.Id }, tx);
        foreach (var lost in decided.Where(b => b.Status == "lost"))
            await outbox.AddAsync(tx, new BidLost(call.OrderId, call.Id, lost.Id, lost.VendorOrgId, CallRow.Utc(call.Now)));
        var terms = call.OrderTerms();
        var tender = terms.Tender ?? new Marketplace.Contracts.Orders.TenderTerms();
        var contractId = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO contracts (id, order_id, call_id, bid_id, vendor_org_id, enterprise_org_id, price, currency, deliver_by,
                                   late_penalty_percent_per_day, max_penalty_percent, sample_size, sample_rate, pass_threshold,
                                   automatic, reason, awarded_at)
            VALUES (@contractId, @OrderId, @callId, @bidId, @VendorOrgId, @EnterpriseOrgId, @Price, @Currency, @DeliverBy,
                    @LatePenaltyPercentPerDay, @MaxPenaltyPercent, @SampleSize, @SampleRate, @PassThreshold, @automatic, @reason, clock_timestamp())
            """, new
        {
            contractId, call.OrderId, callId = call.Id, bidId = bid.Id, bid.VendorOrgId, call.EnterpriseOrgId, bid.Price, call.Currency,
            bid.DeliverBy, tender.LatePenaltyPercentPerDay, tender.MaxPenaltyPercent, terms.SampleSize, terms.SampleRate, terms.PassThreshold,
            automatic, reason,
        }, tx);
        await outbox.AddAsync(tx, new BidAwarded(call.OrderId, call.Id, bid.Id, contractId, bid.VendorOrgId, bid.Price, call.Currency,
            CallRow.Utc(bid.DeliverBy), automatic, reason, CallRow.Utc(call.Now), call.EnterpriseOrgId));
        return contractId;
    }
}
