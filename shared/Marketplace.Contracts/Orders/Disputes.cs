namespace Marketplace.Contracts.Orders;

/// <summary>
/// Event (orders): a contracted order's acceptance is disputed, by its enterprise (a delivery failed acceptance twice) or
/// by its vendor (contesting a failed acceptance). The order stops until an operator decides.
/// </summary>
public record DisputeOpened(Guid DisputeId, Guid OrderId, Guid ContractId, Guid EnterpriseOrgId, Guid VendorOrgId, string OpenedBy,
    DateTimeOffset OccurredAt);

/// <summary>
/// Event (orders): an operator decided a dispute, once per DisputeId; the order is closed. Outcome: release (paid as if
/// accepted), partial (VendorAmount of the contract price to the vendor side, the rest back to the enterprise) or refund
/// (what escrow still holds goes back; approved work keeps its pay). Settlement books it once every one of the
/// ApprovedAssignments is booked; bidding records the outcome on the contract.
/// </summary>
public record DisputeDecided(Guid DisputeId, Guid OrderId, Guid ContractId, Guid EnterpriseOrgId, Guid VendorOrgId, string Outcome,
    decimal? VendorAmount, string Currency, int ApprovedAssignments, DateTimeOffset? FirstDeliveredAt, DateTimeOffset? DeliverBy,
    DateTimeOffset OccurredAt);
