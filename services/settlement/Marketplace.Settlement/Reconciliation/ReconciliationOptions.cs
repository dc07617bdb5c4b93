namespace Marketplace.Settlement.Reconciliation;

public sealed class ReconciliationOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Only facts older than this are compared: messages still on their way must not raise false alarms.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A worker paid within this much of the watermark is compared on a later run (the two sides date a payout apart).</summary>
    public TimeSpan PayoutMargin { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Orders whose counts disagree are looked at assignment by assignment, up to this many a run.</summary>
    public int MaxDetailOrders { get; set; } = 100;

    /// <summary>At most this many alerts per check and run (a broken system must not flood the table).</summary>
    public int MaxAlertsPerCheck { get; set; } = 1000;
}
