namespace Marketplace.Contracts.Orders;

/// <summary>
/// Event (orders): a crowd order's deadline is less than a day away and its work is unfinished. The enterprise is told,
/// and may extend the deadline (POST /api/orders/orders/{id}/deadline) before it passes. Once per deadline.
/// </summary>
public record OrderDeadlineApproaching(Guid OrderId, Guid EnterpriseOrgId, string Title, DateTimeOffset Deadline,
    int ItemCount, DateTimeOffset OccurredAt);

/// <summary>Event (orders): the enterprise moved a crowd order's deadline later; tasks keeps its copy of the terms current.</summary>
public record OrderDeadlineExtended(Guid OrderId, DateTimeOffset Deadline, DateTimeOffset OccurredAt);

/// <summary>
/// Command (orders → tasks and settlement): a crowd order's deadline passed before its work was done. Tasks withdraws
/// what nobody has submitted and closes the work as a cancellation does (what was submitted in time is approved and
/// paid), answering OrderWorkClosed with the final count of approvals; settlement then returns the unspent escrow to
/// the enterprise's wallet (OrderRefunded). The approved labels stay the enterprise's.
/// </summary>
public record CloseWorkAtDeadline(Guid OrderId, Guid EnterpriseOrgId, string Currency, DateTimeOffset Deadline, DateTimeOffset OccurredAt);
