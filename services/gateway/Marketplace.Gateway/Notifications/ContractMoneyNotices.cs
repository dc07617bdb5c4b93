using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Payouts;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

/// <summary>
/// The contracted market's money and disputes, told to the organisations concerned (kinds beside <see cref="Kinds"/>, in
/// their own file so the shared list stays as it is; docs/api.md lists them with the others).
/// </summary>
public static class ContractMoneyKinds
{
    public const string DisputeOpened = "dispute.opened";
    public const string DisputeDecided = "dispute.decided";
    public const string WithdrawalSent = "withdrawal.sent";
    public const string WithdrawalFailed = "withdrawal.failed";
    public const string PayoutAccountChanged = "payout_account.changed";
}

/// <summary>A dispute was opened: both parties are told (the one who opened it sees it in its list too).</summary>
public sealed class DisputeOpenedNotice(NpgsqlDataSource db) : NotificationConsumer<DisputeOpened>(db)
{
    protected override IEnumerable<Notice> Describe(DisputeOpened m) =>
        new[] { m.EnterpriseOrgId, m.VendorOrgId }.Select(org => new Notice(new Recipient.Organisation(org), ContractMoneyKinds.DisputeOpened,
            new { m.DisputeId, m.OrderId, m.ContractId, m.OpenedBy }, m.OccurredAt));
}

/// <summary>An operator decided a dispute: both parties learn the outcome.</summary>
public sealed class DisputeDecidedNotice(NpgsqlDataSource db) : NotificationConsumer<DisputeDecided>(db)
{
    protected override IEnumerable<Notice> Describe(DisputeDecided m) =>
        new[] { m.EnterpriseOrgId, m.VendorOrgId }.Select(org => new Notice(new Recipient.Organisation(org), ContractMoneyKinds.DisputeDecided,
            new { m.DisputeId, m.OrderId, m.ContractId, m.Outcome, m.VendorAmount, m.Currency }, m.OccurredAt));
}

public sealed class VendorWithdrawalSentNotice(NpgsqlDataSource db) : NotificationConsumer<VendorWithdrawalSent>(db)
{
    protected override IEnumerable<Notice> Describe(VendorWithdrawalSent m) =>
        [new(new Recipient.Organisation(m.VendorOrgId), ContractMoneyKinds.WithdrawalSent, new { m.WithdrawalId, m.Amount, m.Currency, m.RailReference }, m.OccurredAt)];
}

public sealed class VendorWithdrawalFailedNotice(NpgsqlDataSource db) : NotificationConsumer<VendorWithdrawalFailed>(db)
{
    protected override IEnumerable<Notice> Describe(VendorWithdrawalFailed m) =>
        [new(new Recipient.Organisation(m.VendorOrgId), ContractMoneyKinds.WithdrawalFailed, new { m.WithdrawalId, m.Amount, m.Currency, m.Reason }, m.OccurredAt)];
}

/// <summary>The organisation's bank account for withdrawals was set or changed: its owners are told, so a change they did
/// not make (a stolen session, even with the password) does not go unseen.</summary>
public sealed class VendorPayoutAccountSetNotice(NpgsqlDataSource db) : NotificationConsumer<VendorPayoutAccountSet>(db)
{
    protected override IEnumerable<Notice> Describe(VendorPayoutAccountSet m) =>
        [new(new Recipient.Organisation(m.VendorOrgId, [Marketplace.ServiceDefaults.Auth.OrgRoles.Owner]), ContractMoneyKinds.PayoutAccountChanged,
            new { Account = m.Masked, m.HolderName }, m.OccurredAt)];
}
