namespace Marketplace.Contracts.Tasks;

/// <summary>
/// The order's enterprise rejected a worker's submission with a reason code (wrong-answer, incomplete,
/// ignored-instructions, spam, other) and a comment; the worker may appeal until AppealableUntil.
/// </summary>
public record AssignmentRejected(Guid AssignmentId, Guid OrderId, Guid WorkerId, string ReasonCode, string Comment,
    DateTimeOffset AppealableUntil, DateTimeOffset OccurredAt);
