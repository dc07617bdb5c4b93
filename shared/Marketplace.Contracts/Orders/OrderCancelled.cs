namespace Marketplace.Contracts.Orders;

/// <summary>
/// The enterprise cancelled the order. When work had started (the crowd had it), tasks closes the work and says how many
/// assignments were approved; otherwise settlement refunds the escrow at once.
/// A contracted order (Contracted) has its work in tasks as the vendors' team and crowd packages, WorkPackages of them:
/// tasks closes those and answers for the order.
/// </summary>
public record OrderCancelled(Guid OrderId, Guid EnterpriseOrgId, bool WorkStarted, string Currency, DateTimeOffset OccurredAt,
    bool Contracted = false, int WorkPackages = 0);
