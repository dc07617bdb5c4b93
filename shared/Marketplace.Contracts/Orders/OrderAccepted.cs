namespace Marketplace.Contracts.Orders;

/// <summary>
/// The enterprise's acceptance sample passed: the order is accepted. ApprovedAssignments is tasks' final count, so
/// settlement releases what is left in escrow only once every approval is booked. For a contracted order,
/// FirstDeliveredAt (its first delivery) and DeliverBy (the contract's, as orders holds it now) price its late penalty.
/// </summary>
public record OrderAccepted(Guid OrderId, Guid EnterpriseOrgId, int ApprovedAssignments, string Currency, DateTimeOffset OccurredAt,
    DateTimeOffset? FirstDeliveredAt = null, DateTimeOffset? DeliverBy = null);
