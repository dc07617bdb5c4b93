namespace Marketplace.Contracts.Payouts;

public record EarningRef(Guid AssignmentId, Guid OrderId, Guid WorkerId, decimal Amount);
