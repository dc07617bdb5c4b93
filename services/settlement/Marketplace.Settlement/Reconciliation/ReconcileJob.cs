using Marketplace.ServiceDefaults.Jobs;

namespace Marketplace.Settlement.Reconciliation;

/// <summary>The recurring reconciliation (Settlement:Reconciliation:Interval). A run already in progress elsewhere is left to finish.</summary>
public sealed class ReconcileJob(Reconciler reconciler) : IJobHandler
{
    public const string Name = "reconcile";

    string IJobHandler.Name => Name;

    public Task RunAsync(JobContext job, CancellationToken ct) => reconciler.RunAsync("schedule", ct);
}
