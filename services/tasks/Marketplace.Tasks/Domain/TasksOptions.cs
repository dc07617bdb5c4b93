namespace Marketplace.Tasks.Domain;

public sealed class TasksOptions
{
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A submission nobody reviewed is approved automatically after this delay.</summary>
    public TimeSpan AutoApproveAfter { get; set; } = TimeSpan.FromHours(72);

    public int MaxActiveLeasesPerWorker { get; set; } = 5;

    /// <summary>How often approvals are gathered into one AssignmentsApproved message.</summary>
    public TimeSpan ApprovalPublishInterval { get; set; } = TimeSpan.FromSeconds(1);
}
