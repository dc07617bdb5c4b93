namespace Marketplace.Contracts.Tasks;

/// <summary>
/// A worker's accuracy on an order's gold (check) items fell below the order's required accuracy: they may not take the
/// order's work until SuspendedUntil.
/// </summary>
public record WorkerSuspended(Guid WorkerId, Guid OrderId, int GoldAnswered, int GoldCorrect, decimal RequiredAccuracy,
    DateTimeOffset SuspendedUntil, DateTimeOffset OccurredAt);
