namespace Marketplace.Contracts.Tasks;

/// <summary>
/// A worker's appeal against a rejection was decided: Decision is "upheld" (the work is approved and paid) or "denied"
/// (the rejection stands; Note says why).
/// </summary>
public record AppealDecided(Guid AssignmentId, Guid OrderId, Guid WorkerId, string Decision, string? Note, DateTimeOffset OccurredAt);
