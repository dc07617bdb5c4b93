using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Tasks;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

/// <summary>
/// Doing a contracted order's work (issue 13, item 6): sub-contracts offered and answered, team invitations, team work
/// arriving, a failed acceptance sent back to the vendor. Kinds beside <see cref="Kinds"/>, in their own file as
/// <see cref="ContractMoneyKinds"/> are; docs/api.md lists them with the others.
/// </summary>
public static class WorkKinds
{
    public const string SubcontractOffered = "subcontract.offered";
    public const string SubcontractAccepted = "subcontract.accepted";
    public const string SubcontractDeclined = "subcontract.declined";
    public const string TeamInvited = "team.invited";
    public const string WorkArrived = "work.arrived";
    public const string ReworkRequested = "contract.rework_requested";
    public const string SubcontractReworkRequested = "subcontract.rework_requested";
}

/// <summary>A sub-contract offered to a vendor: its members who may accept it (Audiences.Commit).</summary>
public sealed class SubcontractOfferedNotice(NpgsqlDataSource db) : NotificationConsumer<SubcontractOffered>(db)
{
    protected override IEnumerable<Notice> Describe(SubcontractOffered m) =>
    [
        new(new Recipient.Organisation(m.ToVendorOrgId, Audiences.Commit), WorkKinds.SubcontractOffered,
            new { m.SubcontractId, m.OrderId, m.FromVendorOrgId, m.Items, m.Price, m.Currency, m.TaskType, m.DataGrade, m.Deadline }, m.OccurredAt),
    ];
}

/// <summary>The addressee accepted: the offering vendor's members who made the offer (Audiences.Commit).</summary>
public sealed class SubcontractAgreedNotice(NpgsqlDataSource db) : NotificationConsumer<SubcontractAgreed>(db)
{
    protected override IEnumerable<Notice> Describe(SubcontractAgreed m) =>
    [
        new(new Recipient.Organisation(m.FromVendorOrgId, Audiences.Commit), WorkKinds.SubcontractAccepted,
            new { m.SubcontractId, m.OrderId, m.ToVendorOrgId, m.Items, m.Price, m.Currency }, m.OccurredAt),
    ];
}

/// <summary>The addressee declined: the offering vendor's members who place its items again (Audiences.Commit).</summary>
public sealed class SubcontractDeclinedNotice(NpgsqlDataSource db) : NotificationConsumer<SubcontractDeclined>(db)
{
    protected override IEnumerable<Notice> Describe(SubcontractDeclined m) =>
    [
        new(new Recipient.Organisation(m.FromVendorOrgId, Audiences.Commit), WorkKinds.SubcontractDeclined,
            new { m.SubcontractId, m.OrderId, m.ToVendorOrgId, m.Items, m.Reason }, m.OccurredAt),
    ];
}

/// <summary>A vendor invited a worker to its team: the worker.</summary>
public sealed class TeamInvitationSentNotice(NpgsqlDataSource db) : NotificationConsumer<TeamInvitationSent>(db)
{
    protected override IEnumerable<Notice> Describe(TeamInvitationSent m) =>
        [new(new Recipient.User(m.WorkerId), WorkKinds.TeamInvited, new { m.InvitationId, m.VendorOrgId, m.Message }, m.OccurredAt)];
}

/// <summary>A team package opened: the vendor's team workers (the crowd is never told of a crowd package).</summary>
public sealed class TeamWorkArrivedNotice(NpgsqlDataSource db) : NotificationConsumer<TeamWorkArrived>(db)
{
    protected override IEnumerable<Notice> Describe(TeamWorkArrived m) =>
    [
        new(new Recipient.Users(m.WorkerIds), WorkKinds.WorkArrived,
            new { m.PackageId, m.OrderId, m.VendorOrgId, m.TaskType, m.DataGrade, m.Slots, m.Reward, m.Currency, m.Deadline, m.ReworkRound }, m.OccurredAt),
    ];
}

/// <summary>
/// A contracted order's acceptance sample failed: every member of the contract's vendor (those who put the items back
/// to work and those who review the rework). A crowd order's rework (no vendor) tells nobody here.
/// </summary>
public sealed class ReworkRequestedNotice(NpgsqlDataSource db) : NotificationConsumer<OrderReworkRequested>(db)
{
    protected override IEnumerable<Notice> Describe(OrderReworkRequested m) => m.VendorOrgId is { } vendor
        ? [new(new Recipient.Organisation(vendor), WorkKinds.ReworkRequested, new { m.OrderId, m.ContractId, m.Round, m.Items }, m.OccurredAt)]
        : [];
}

/// <summary>
/// Items a sub-vendor delivered failed the enterprise's acceptance sample: every member of the sub-vendor (as the contract
/// holder's members are told of its rework), so it learns what its principal now has to redo.
/// </summary>
public sealed class SubcontractReworkRequestedNotice(NpgsqlDataSource db) : NotificationConsumer<SubcontractReworkRequested>(db)
{
    protected override IEnumerable<Notice> Describe(SubcontractReworkRequested m) =>
    [
        new(new Recipient.Organisation(m.ToVendorOrgId), WorkKinds.SubcontractReworkRequested,
            new { m.SubcontractId, m.OrderId, m.FromVendorOrgId, m.Round, m.FailedItems, m.Title }, m.OccurredAt),
    ];
}
