namespace Marketplace.Contracts.Settlement;

/// <summary>
/// Command (orders → settlement): a bid was awarded. The order's escrow becomes the contract price: the reserved budget
/// is posted, and what it holds above ContractPrice returns to the enterprise's wallet. Settlement answers
/// EscrowAdjustedToContract (once per ContractId).
/// </summary>
public record AdjustEscrowToContract(Guid OrderId, Guid EnterpriseOrgId, Guid ContractId, Guid VendorOrgId, decimal ContractPrice,
    string Currency, DateTimeOffset OccurredAt);

/// <summary>Event (settlement): the escrow holds ContractPrice; Refunded went back to the enterprise's wallet.</summary>
public record EscrowAdjustedToContract(Guid OrderId, Guid ContractId, decimal ContractPrice, decimal Refunded, string Currency,
    DateTimeOffset OccurredAt);
