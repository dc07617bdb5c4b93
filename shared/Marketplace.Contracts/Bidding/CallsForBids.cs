using Marketplace.Contracts.Orders;

namespace Marketplace.Contracts.Bidding;

/// <summary>
/// Command (orders → bidding): a funded bid-mode order opens a call for bids until BidDeadline. Round counts the calls
/// of one order (a re-tender opens round 2); bidding keeps one call per order and round. Vendors see the call only when
/// their approved, valid certifications cover Terms.DataGrade and a listing of theirs covers the task type and industry.
/// Budget is the most a bid may ask (total).
/// </summary>
public record OpenCallForBids(Guid OrderId, Guid EnterpriseOrgId, string Title, string Instructions, OrderTerms Terms,
    int ItemCount, decimal Budget, DateTimeOffset BidDeadline, int Round, DateTimeOffset OccurredAt);

/// <summary>Command (orders → bidding): the enterprise moved the open (or bid-less) call's deadline later.</summary>
public record ExtendCallForBids(Guid OrderId, int Round, DateTimeOffset BidDeadline, DateTimeOffset OccurredAt);

/// <summary>Command (orders → bidding): the order left the tender (cancelled, or switched to crowd mode): close its call, award nothing.</summary>
public record WithdrawCallForBids(Guid OrderId, int Round, string Reason, DateTimeOffset OccurredAt);

/// <summary>Event (bidding): a call's deadline passed and its bids are frozen; Bids sealed bids stand (0: nobody bid).
/// EnterpriseOrgId and Title (added later; null in older messages) say whom to tell.</summary>
public record CallForBidsClosed(Guid OrderId, Guid CallId, int Round, int Bids, DateTimeOffset OccurredAt, Guid? EnterpriseOrgId = null,
    string? Title = null);

/// <summary>
/// Event (bidding): a bid won. The contract binds the vendor to deliver the order's items for Price (total) by DeliverBy;
/// Automatic when the order auto-awarded at the deadline; Reason when the enterprise passed over the top-ranked bid.
/// EnterpriseOrgId (added later; null in older messages) says whom to tell of the contract.
/// </summary>
public record BidAwarded(Guid OrderId, Guid CallId, Guid BidId, Guid ContractId, Guid VendorOrgId, decimal Price, string Currency,
    DateTimeOffset DeliverBy, bool Automatic, string? Reason, DateTimeOffset OccurredAt, Guid? EnterpriseOrgId = null);

/// <summary>One approved certification a vendor holds: a grade covers the grades below it.</summary>
public record VendorCertificate(string Grade, DateOnly ValidUntil);

/// <summary>
/// Event (orders, which keeps the supermarket): what a vendor is qualified for now, whole: its approved certifications
/// and what its listings cover. Sent after every certification decision and listing change; the newest wins.
/// </summary>
public record VendorQualificationsChanged(Guid VendorOrgId, string VendorName, IReadOnlyList<VendorCertificate> Certificates,
    IReadOnlyList<string> TaskTypes, IReadOnlyList<string> Industries, DateTimeOffset OccurredAt);

/// <summary>
/// Event (orders): the order's work was delivered to the enterprise for acceptance (Attempt 1, or later after rework);
/// a contracted order's vendor delivered it. Bidding's track record counts on-time deliveries from it.
/// </summary>
public record OrderDelivered(Guid OrderId, int Attempt, DateTimeOffset OccurredAt);
