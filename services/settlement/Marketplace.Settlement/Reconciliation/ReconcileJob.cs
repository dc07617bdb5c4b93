using Marketplace.ServiceDefaults.Jobs;

namespace Marketplace.Settlement.Reconciliation;

/// <summary>The recurring reconciliation (Settlement:Reconciliation:Interval). A run already in progress elsewhere is left to finish.</summary>
public sealed class ReconcileJob(Reconciler reconciler) : IRecurringJob
{
    public const string Name = "reconcile";

    public Task RunAsync(CancellationToken ct) => reconciler.RunAsync("schedule", ct);
}
