namespace Marketplace.Contracts.Orders;

public record OrderItem(string ItemId, string Content);
