using System.Text.Json;

namespace Marketplace.Labeling.Delivery;

/// <summary>One worker's approved answer that went into an item's label.</summary>
public sealed record ContributingAnswer(Guid AssignmentId, Guid WorkerId, JsonElement Answer);

/// <summary>A regular item as delivered: its combined label (null when the task type has no single label) and the answers behind it.</summary>
public sealed record DeliveredItem(string ItemId, string Content, JsonElement? Label, double? Confidence, string Method,
    IReadOnlyList<ContributingAnswer> Answers);
