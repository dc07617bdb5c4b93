namespace Marketplace.Contracts.Orders;

/// <summary>A funded order whose items can now be split into micro-tasks.</summary>
public record OrderReadyForWork(
    Guid OrderId,
    Guid EnterpriseOrgId,
    string TaskType,
    IReadOnlyList<string> Labels,
    IReadOnlyList<OrderItem> Items,
    int Overlap,
    decimal UnitPrice,
    decimal WorkerReward,
    decimal PlatformFee,
    string Currency,
    DateTimeOffset Deadline,
    DateTimeOffset OccurredAt,
    bool MultiLabel = false,
    IReadOnlyList<RubricCriterion>? Criteria = null,
    string DataGrade = "general",
    int SuiteSize = 1,
    int? LeaseSeconds = null);
