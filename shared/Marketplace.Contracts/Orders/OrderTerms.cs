namespace Marketplace.Contracts.Orders;

/// <summary>
/// Everything an enterprise agreed to when it drafted an order, as one typed record: orders stores it whole (jsonb),
/// messages carry it whole, and the services that do the work store it whole too. Adding a term means adding a
/// property here, a field to the order form (CreateOrder's request and validator) and reading it where it matters.
/// Amounts are exact decimals in <see cref="Currency"/>; the fee terms are the commission snapshotted at creation.
/// </summary>
public sealed record OrderTerms
{
    /// <summary>crowd: micro-tasks for the platform's workers; bid: a call for bids among certified vendors.</summary>
    public string Mode { get; init; } = "crowd";
    public string TaskType { get; init; } = "";
    public IReadOnlyList<string> Labels { get; init; } = [];
    public bool MultiLabel { get; init; }
    public IReadOnlyList<RubricCriterion> Criteria { get; init; } = [];

    /// <summary>Answers per item; dynamic overlap asks for more, up to OverlapCap, while an item is below ConfidenceBar.</summary>
    public int Overlap { get; init; } = 1;
    public int? OverlapCap { get; init; }
    public decimal? ConfidenceBar { get; init; }

    /// <summary>What the enterprise pays per answer; WorkerReward + PlatformFee = UnitPrice.</summary>
    public decimal UnitPrice { get; init; }
    public decimal WorkerReward { get; init; }
    public decimal PlatformFee { get; init; }
    public decimal FeePercent { get; init; }
    /// <summary>Per order: topped up from escrow at acceptance when the per-unit fees fall short of it.</summary>
    public decimal MinimumFee { get; init; }
    public string Currency { get; init; } = "CNY";

    /// <summary>When the work is due: unfinished crowd work is withdrawn then, and a contract delivered later pays its penalty.</summary>
    public DateTimeOffset Deadline { get; init; }

    /// <summary>general, important or core (core never reaches the crowd); with personal information the bar rises.</summary>
    public string DataGrade { get; init; } = "general";
    public bool PersonalInformation { get; init; }
    public string Industry { get; init; } = "other";
    public IReadOnlyList<string> RequiredQualifications { get; init; } = [];

    /// <summary>Gold: the share of slots that are gold items, and the accuracy on gold a worker must keep.</summary>
    public decimal GoldShare { get; init; }
    public decimal? RequiredAccuracy { get; init; }

    /// <summary>The most items one worker may label in this order (null: no limit), so no one worker's view dominates.</summary>
    public int? MaxItemsPerWorker { get; init; }

    public int SuiteSize { get; init; } = 1;
    public int? LeaseSeconds { get; init; }
    /// <summary>How long the enterprise has to review a submission before it is approved for them (null: the default).</summary>
    public int? AutoApproveSeconds { get; init; }

    /// <summary>Acceptance sampling: SampleSize items (or SampleRate of them) must be right at PassThreshold.</summary>
    public int? SampleSize { get; init; }
    public decimal? SampleRate { get; init; }
    public decimal PassThreshold { get; init; } = 0.95m;

    /// <summary>A bid-mode order's tender: how its call for bids runs and what a contract owes. Null in crowd mode.</summary>
    public TenderTerms? Tender { get; init; }
}

/// <summary>
/// How a call for bids runs: bids are sealed until BidDeadline; AutoAward awards the top-ranked bid at the deadline
/// instead of waiting for the enterprise; InvitedVendorOrgIds are asked directly (they still need the certification).
/// A contract delivered after the order's deadline pays LatePenaltyPercentPerDay of its price per day (or part of
/// one) late, at most MaxPenaltyPercent.
/// </summary>
public sealed record TenderTerms
{
    public DateTimeOffset BidDeadline { get; init; }
    public bool AutoAward { get; init; }
    public IReadOnlyList<Guid> InvitedVendorOrgIds { get; init; } = [];
    public decimal LatePenaltyPercentPerDay { get; init; } = 1m;
    public decimal MaxPenaltyPercent { get; init; } = 20m;
}
