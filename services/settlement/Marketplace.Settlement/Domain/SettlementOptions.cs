namespace Marketplace.Settlement.Domain;

public sealed class SettlementOptions
{
    /// <summary>How long a published order's budget stays reserved without work starting before it is let go.</summary>
    public TimeSpan PendingEscrowTimeout { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the expiry job looks for reservations past their timeout.</summary>
    public TimeSpan PendingEscrowSweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
