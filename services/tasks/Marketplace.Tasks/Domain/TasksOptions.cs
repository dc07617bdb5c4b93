namespace Marketplace.Tasks.Domain;

public sealed class TasksOptions
{
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A submission nobody reviewed is approved automatically after this delay.</summary>
    public TimeSpan AutoApproveAfter { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Assignments one worker may hold under live leases at once (a suite counts each of its assignments).</summary>
    public int MaxActiveLeasesPerWorker { get; set; } = 20;

    /// <summary>How soon after a lease lapses its work is back in the pool.</summary>
    public TimeSpan LeaseSweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often approvals are gathered into one AssignmentsApproved message.</summary>
    public TimeSpan ApprovalPublishInterval { get; set; } = TimeSpan.FromSeconds(1);
}
