namespace Marketplace.Contracts.Tasks;

/// <summary>
/// Event (tasks): every answer of a work package (StartWorkPackage) is approved and its labels aggregated; orders counts
/// the package done and delivers the order once every item is allocated and every package is done.
/// </summary>
public record WorkPackageCompleted(Guid PackageId, Guid OrderId, int ApprovedAssignments, DateTimeOffset OccurredAt);
