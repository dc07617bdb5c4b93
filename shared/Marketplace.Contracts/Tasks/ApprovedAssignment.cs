namespace Marketplace.Contracts.Tasks;

public record ApprovedAssignment(
    Guid AssignmentId,
    Guid OrderId,
    Guid WorkerId,
    decimal WorkerReward,
    decimal PlatformFee,
    string Currency,
    bool AutoApproved,
    DateTimeOffset ApprovedAt);
