namespace Marketplace.Contracts.Orders;

/// <summary>
/// Command (orders → tasks): a vendor put a work package of a contracted order to its team or to the crowd. Work is the
/// package's own work file (a claim check, like a crowd order's: Work.ItemsKey names the JSONL file, Work.ItemCount its
/// items, no gold) and the order's terms; tasks splits it into slots keyed by PackageId. Audience is "team" (only the
/// members of VendorOrgId's team may claim) or "crowd"; each approved answer pays RewardPerAnswer, by VendorOrgId
/// (ApprovedAssignment.PayerVendorOrgId, no platform fee per answer), and VendorOrgId reviews the submissions.
/// A rework package (added later; null otherwise) redoes the items an acceptance sample found wrong: ReworkRound is that
/// sample's round and Findings what the enterprise found wrong with each item, shown to the worker who redoes it.
/// Title and Instructions (added later; null from older senders) are the order's, so a package's workers read the same
/// brief in the workbench as a crowd order's workers do. EnterpriseOrgId (added later; null from older senders) is the
/// organisation that owns the order, so it can read the order's figures that tasks keeps across packages (how much
/// workers changed the model's pre-labels).
/// </summary>
public record StartWorkPackage(Guid PackageId, Guid OrderId, Guid VendorOrgId, string Audience, decimal RewardPerAnswer,
    OrderReadyForWork Work, DateTimeOffset OccurredAt, int? ReworkRound = null, IReadOnlyList<ItemFinding>? Findings = null,
    string? Title = null, string? Instructions = null, Guid? EnterpriseOrgId = null);

/// <summary>What the enterprise found wrong with one item of a failed acceptance sample.</summary>
public record ItemFinding(string ItemId, string Finding);
