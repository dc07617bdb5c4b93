namespace Marketplace.Contracts.Payouts;

public record OrderEarningTotal(Guid OrderId, long Earnings, decimal Amount);
