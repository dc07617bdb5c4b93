namespace Marketplace.Contracts.Settlement;

/// <summary>
/// Command (orders → settlement): a bid was awarded. The order's escrow becomes the contract price: the reserved budget
/// is posted, and what it holds above ContractPrice returns to the enterprise's wallet. Settlement answers
/// EscrowAdjustedToContract (once per ContractId). DeliverBy and Terms (the order's, whole) price the contract at
/// acceptance: its late penalty and platform fee; absent from senders that predate them (no penalty, no fee).
/// </summary>
public record AdjustEscrowToContract(Guid OrderId, Guid EnterpriseOrgId, Guid ContractId, Guid VendorOrgId, decimal ContractPrice,
    string Currency, DateTimeOffset OccurredAt, DateTimeOffset? DeliverBy = null, Marketplace.Contracts.Orders.OrderTerms? Terms = null);

/// <summary>Event (settlement): the escrow holds ContractPrice; Refunded went back to the enterprise's wallet.</summary>
public record EscrowAdjustedToContract(Guid OrderId, Guid ContractId, decimal ContractPrice, decimal Refunded, string Currency,
    DateTimeOffset OccurredAt);
