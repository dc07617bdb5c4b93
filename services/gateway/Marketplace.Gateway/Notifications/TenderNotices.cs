using Marketplace.Contracts.Bidding;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

// The contracted market's news (issue 13): each class is one event and says who is told what (Kinds lists the names).

/// <summary>A call opened that the vendor may bid on: its members who may bid (Audiences.Money).</summary>
public sealed class CallForBidsOpenedNotice(NpgsqlDataSource db) : NotificationConsumer<CallForBidsOpened>(db)
{
    protected override IEnumerable<Notice> Describe(CallForBidsOpened m) =>
    [
        new(new Recipient.Organisations(m.VendorOrgIds, Audiences.Money), Kinds.CallOpened,
            new { m.OrderId, m.CallId, m.Round, m.Title, m.TaskType, m.Industry, m.DataGrade, m.ItemCount, m.Budget, m.Currency, m.BidDeadline },
            m.OccurredAt),
    ];
}

/// <summary>The enterprise's call closed: bids to compare (bids &gt; 0) or none; told to those who award (Audiences.Money).</summary>
public sealed class CallForBidsClosedNotice(NpgsqlDataSource db) : NotificationConsumer<CallForBidsClosed>(db)
{
    protected override IEnumerable<Notice> Describe(CallForBidsClosed m) => m.EnterpriseOrgId is { } enterprise
        ? [new(new Recipient.Organisation(enterprise, Audiences.Money), Kinds.CallClosed, new { m.OrderId, m.CallId, m.Round, m.Bids, m.Title }, m.OccurredAt)]
        : []; // a message from before it named the enterprise: nobody to tell
}

/// <summary>
/// A bid won: the vendor's members, all of them (those who bid, and the reviewers whose work it becomes), and the
/// enterprise's (a contract is made; an automatic award happens while nobody watches).
/// </summary>
public sealed class BidAwardedNotice(NpgsqlDataSource db) : NotificationConsumer<BidAwarded>(db)
{
    protected override IEnumerable<Notice> Describe(BidAwarded m)
    {
        yield return new(new Recipient.Organisation(m.VendorOrgId), Kinds.BidWon,
            new { m.OrderId, m.CallId, m.BidId, m.ContractId, m.Price, m.Currency, m.DeliverBy }, m.OccurredAt);
        if (m.EnterpriseOrgId is { } enterprise)
            yield return new(new Recipient.Organisation(enterprise), Kinds.ContractAwarded,
                new { m.OrderId, m.CallId, m.ContractId, m.VendorOrgId, m.Price, m.Currency, m.DeliverBy, m.Automatic }, m.OccurredAt);
    }
}

/// <summary>A bid lost: the vendor's members who bid (Audiences.Money).</summary>
public sealed class BidLostNotice(NpgsqlDataSource db) : NotificationConsumer<BidLost>(db)
{
    protected override IEnumerable<Notice> Describe(BidLost m) =>
        [new(new Recipient.Organisation(m.VendorOrgId, Audiences.Money), Kinds.BidLost, new { m.OrderId, m.CallId, m.BidId }, m.OccurredAt)];
}
