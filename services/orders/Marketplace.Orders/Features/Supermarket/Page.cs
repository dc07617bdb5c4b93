namespace Marketplace.Orders.Features.Supermarket;

/// <summary>One page of a server-side list.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);
