namespace Marketplace.Tasks.Domain;

public sealed class TasksOptions
{
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A submission nobody reviewed is approved automatically after this delay.</summary>
    public TimeSpan AutoApproveAfter { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Assignments one worker may hold under live leases at once (a suite counts each of its assignments).</summary>
    public int MaxActiveLeasesPerWorker { get; set; } = 20;

    /// <summary>
    /// Claims one instance runs at once; the rest wait in line (up to <see cref="ClaimQueue"/>). Claims contend for the
    /// same queue rows, so more at once only holds more connections: 200 at once exhausted the connection pool.
    /// </summary>
    public int ClaimConcurrency { get; set; } = 16;

    public int ClaimQueue { get; set; } = 2000;

    /// <summary>A worker is judged on gold only after this many gold answers in an order.</summary>
    public int GoldMinimumAnswers { get; set; } = 3;

    /// <summary>How long a worker below an order's required accuracy is kept from that order's work.</summary>
    public TimeSpan SuspensionDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Required accuracy on gold when the order states none but mixes gold in.</summary>
    public decimal DefaultRequiredAccuracy { get; set; } = 0.7m;

    /// <summary>A submission sooner than this after the claim is flagged as too fast for the reviewer.</summary>
    public TimeSpan TooFastUnder { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a worker has to appeal a rejection; the rejected slot is replaced only after it.</summary>
    public TimeSpan AppealWindow { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// How often lapsed leases are tidied back into the pool. Claims do not wait for it: a claim takes the order's lapsed
    /// slots back itself (see ClaimAssignment), so this only keeps progress figures and the slot list current.
    /// </summary>
    public TimeSpan LeaseSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often rejections past their appeal window are looked for and their items given a new slot.</summary>
    public TimeSpan RejectionSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often submissions past their review window are looked for and approved.</summary>
    public TimeSpan AutoApproveSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A single-label classification order is aggregated with Dawid-Skene from this many approved answers (gold included,
    /// and at least three per worker on average); below that there is too little to learn each worker's skill from, and
    /// majority vote decides.
    /// </summary>
    public int DawidSkeneMinimumAnswers { get; set; } = 100;

    /// <summary>
    /// Gold answers a worker needs before one answer of theirs alone can settle an item under dynamic overlap (their skill
    /// then rests on known truth); otherwise an item needs two answers before its confidence can pass the order's bar.
    /// </summary>
    public int GoldAnswersToVouch { get; set; } = 5;

    /// <summary>How long an export's signed download link is valid (rounded up to the minute).</summary>
    public TimeSpan ExportLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often approvals are looked for when no approval in this instance woke the publisher (another instance's, after a crash).</summary>
    public TimeSpan ApprovalPublishInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the publisher waits after a wake-up, so approvals arriving together travel in one batch (and have committed).</summary>
    public TimeSpan ApprovalGatherDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// For an order a model assists under dynamic overlap: how often, at most, the items whose slots are all answered are
    /// routed while other items' slots are still open (AggregateLabels' rolling pass), rather than once every slot is.
    /// Each pass re-labels the whole order under its row lock, so not after every approval.
    /// </summary>
    public TimeSpan RollingRoutingInterval { get; set; } = TimeSpan.FromSeconds(30);
}
