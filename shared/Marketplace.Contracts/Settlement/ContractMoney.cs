namespace Marketplace.Contracts.Settlement;

/// <summary>One vendor's share of a settled contract: credited to (or, when negative, owed from) its vendor payable.</summary>
public record VendorShare(Guid VendorOrgId, decimal Amount);

/// <summary>
/// Event (settlement): an accepted contract's price was shared, once per ContractId: Penalty back to the enterprise's
/// wallet, Fee to the platform, each vendor of the chain its receivable (its work packages were paid as approved).
/// </summary>
public record ContractSettled(Guid OrderId, Guid ContractId, decimal Penalty, decimal Fee, IReadOnlyList<VendorShare> Shares,
    string Currency, DateTimeOffset OccurredAt);
