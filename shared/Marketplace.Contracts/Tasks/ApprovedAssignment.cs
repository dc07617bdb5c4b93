namespace Marketplace.Contracts.Tasks;

/// <summary>
/// One approved answer: WorkerReward goes to the worker, PlatformFee to the platform, both out of the order's escrow.
/// PayerVendorOrgId is the vendor whose work package it was (its team's or the crowd it published to), null for an
/// enterprise's crowd order: the vendor pays its workers out of its income from the contract (PlatformFee is then 0,
/// the contract's fee is taken once at acceptance).
/// </summary>
public record ApprovedAssignment(
    Guid AssignmentId,
    Guid OrderId,
    Guid WorkerId,
    decimal WorkerReward,
    decimal PlatformFee,
    string Currency,
    bool AutoApproved,
    DateTimeOffset ApprovedAt,
    Guid? PayerVendorOrgId = null);
