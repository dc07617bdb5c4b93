namespace Marketplace.Contracts.Tasks;

/// <summary>An order's approved assignments before a watermark and what they are worth (reward + fee each).</summary>
public record OrderApprovalTotal(Guid OrderId, long Approved, decimal Value);
