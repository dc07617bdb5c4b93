namespace Marketplace.Contracts.Orders;

/// <summary>
/// A funded order whose items can now be split into micro-tasks. Small orders may carry their Items inline; orders
/// send the items as a claim check: ItemsKey names a JSONL file in the shared content store (one {"id","content"} per
/// line, with "prelabel": {label, modelVersion, score} where a model suggested an answer; first the GoldItemCount gold
/// items, each with its known answer as "gold", then the ItemCount regular items)
/// and Items is empty. GoldSlots gold slots are to be mixed into the regular ones. AutoApproveSeconds: how long the
/// enterprise has to review a submission before it is approved for them (null: the platform's default). Terms carries
/// the order's terms whole (the fields before it repeat parts of it for consumers written before it existed).
/// </summary>
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
    int? LeaseSeconds = null,
    string? ItemsKey = null,
    int ItemCount = 0,
    string Industry = "other",
    bool PersonalInformation = false,
    IReadOnlyList<string>? RequiredQualifications = null,
    decimal? RequiredAccuracy = null,
    decimal GoldShare = 0,
    decimal? ConfidenceBar = null,
    int? OverlapCap = null,
    int GoldItemCount = 0,
    int GoldSlots = 0,
    int? AutoApproveSeconds = null,
    OrderTerms? Terms = null);
