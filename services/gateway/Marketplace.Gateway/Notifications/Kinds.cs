using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Payouts;
using Marketplace.Contracts.Tasks;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

/// <summary>
/// Every notification kind: which event causes it, who is told, and the facts the portal renders (its params). A kind's
/// name and its params are a contract with the portal: add kinds and params, never rename them (docs/api.md lists them).
/// To add one: a class here for its event (registered by GatewayModule, which adds every consumer of this namespace).
/// </summary>
public static class Kinds
{
    public const string SubmissionRejected = "submission.rejected";
    public const string AppealDecided = "appeal.decided";
    public const string PayoutSent = "payout.sent";
    public const string PayoutFailed = "payout.failed";
    public const string PayoutMethodChanged = "payout_method.changed";
    public const string WorkerSuspended = "worker.suspended";
    public const string OrderDeadlineApproaching = "order.deadline_approaching";
    public const string CallOpened = "call.opened";
    public const string CallClosed = "call.closed";
    public const string BidWon = "bid.won";
    public const string BidLost = "bid.lost";
    public const string ContractAwarded = "contract.awarded";
    /// <summary>Someone tried to register with the account's e-mail address (Register; no event).</summary>
    public const string RegistrationAttempted = "account.registration_attempted";
}

public sealed class AssignmentRejectedNotice(NpgsqlDataSource db) : NotificationConsumer<AssignmentRejected>(db)
{
    protected override IEnumerable<Notice> Describe(AssignmentRejected m) =>
    [
        new(new Recipient.User(m.WorkerId), Kinds.SubmissionRejected,
            new { m.AssignmentId, m.OrderId, m.ReasonCode, m.Comment, m.AppealableUntil }, m.OccurredAt),
    ];
}

public sealed class AppealDecidedNotice(NpgsqlDataSource db) : NotificationConsumer<AppealDecided>(db)
{
    protected override IEnumerable<Notice> Describe(AppealDecided m) =>
        [new(new Recipient.User(m.WorkerId), Kinds.AppealDecided, new { m.AssignmentId, m.OrderId, m.Decision, m.Note }, m.OccurredAt)];
}

public sealed class PayoutSentNotice(NpgsqlDataSource db) : NotificationConsumer<PayoutSent>(db)
{
    protected override IEnumerable<Notice> Describe(PayoutSent m) =>
        [new(new Recipient.User(m.WorkerId), Kinds.PayoutSent, new { m.PayoutId, m.Amount, m.Currency, m.RailReference }, m.OccurredAt)];
}

public sealed class PayoutFailedNotice(NpgsqlDataSource db) : NotificationConsumer<PayoutFailed>(db)
{
    protected override IEnumerable<Notice> Describe(PayoutFailed m) =>
        [new(new Recipient.User(m.WorkerId), Kinds.PayoutFailed, new { m.PayoutId, m.Amount, m.Currency, m.Reason }, m.OccurredAt)];
}

public sealed class PayoutMethodChangedNotice(NpgsqlDataSource db) : NotificationConsumer<PayoutMethodChanged>(db)
{
    protected override IEnumerable<Notice> Describe(PayoutMethodChanged m) =>
        [new(new Recipient.User(m.WorkerId), Kinds.PayoutMethodChanged, new { m.Method, m.MaskedAccount }, m.OccurredAt)];
}

public sealed class WorkerSuspendedNotice(NpgsqlDataSource db) : NotificationConsumer<WorkerSuspended>(db)
{
    protected override IEnumerable<Notice> Describe(WorkerSuspended m) =>
    [
        new(new Recipient.User(m.WorkerId), Kinds.WorkerSuspended,
            new { m.OrderId, m.GoldAnswered, m.GoldCorrect, m.RequiredAccuracy, m.SuspendedUntil }, m.OccurredAt),
    ];
}

public sealed class OrderDeadlineApproachingNotice(NpgsqlDataSource db) : NotificationConsumer<OrderDeadlineApproaching>(db)
{
    protected override IEnumerable<Notice> Describe(OrderDeadlineApproaching m) =>
        [new(new Recipient.Organisation(m.EnterpriseOrgId), Kinds.OrderDeadlineApproaching, new { m.OrderId, m.Title, m.Deadline, m.ItemCount }, m.OccurredAt)];
}
