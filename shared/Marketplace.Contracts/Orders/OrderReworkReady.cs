namespace Marketplace.Contracts.Orders;

/// <summary>One item sent back for rework, with what the enterprise found wrong.</summary>
public record ReworkItem(string ItemId, string Content, string Finding);

/// <summary>The rework is funded: tasks opens one more assignment for each item, showing the finding to the worker.</summary>
public record OrderReworkReady(Guid OrderId, int Round, IReadOnlyList<ReworkItem> Items, DateTimeOffset OccurredAt);
