namespace Marketplace.Contracts.Orders;

/// <summary>
/// The enterprise cancelled the order. When work had started (the crowd had it), tasks closes the work and says how many
/// assignments were approved; otherwise settlement refunds the escrow at once.
/// </summary>
public record OrderCancelled(Guid OrderId, Guid EnterpriseOrgId, bool WorkStarted, string Currency, DateTimeOffset OccurredAt);
