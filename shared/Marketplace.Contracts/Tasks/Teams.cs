namespace Marketplace.Contracts.Tasks;

/// <summary>Event (tasks): a vendor invited a worker of the talent pool to its team (Message as the vendor typed it, may be null).</summary>
public record TeamInvitationSent(Guid InvitationId, Guid VendorOrgId, Guid WorkerId, string? Message, DateTimeOffset OccurredAt);

/// <summary>
/// Event (tasks): a vendor's team work package was split and is open to its team: WorkerIds are the team's members at
/// that moment (a worker who joins later finds the work in the team feed). ReworkRound names the acceptance round whose
/// failed items the package redoes (null: first work). Crowd packages are not announced: the crowd finds them in its feed.
/// </summary>
public record TeamWorkArrived(Guid PackageId, Guid OrderId, Guid VendorOrgId, IReadOnlyList<Guid> WorkerIds, string TaskType, string DataGrade,
    int Slots, decimal Reward, string Currency, DateTimeOffset Deadline, int? ReworkRound, DateTimeOffset OccurredAt);
