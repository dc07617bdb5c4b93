namespace Marketplace.Labeling.Aggregation;

/// <summary>One worker's answer to one item of a single-label classification: a label from the order's label set.</summary>
public readonly record struct CategoricalAnswer(string ItemId, Guid WorkerId, string Label);

/// <summary>An item's combined label. Confidence is in [0, 1]; Answers is how many answers went into it.</summary>
/// <param name="Posterior">Each label's probability, in label-set order (Confidence is the chosen label's).</param>
public sealed record ItemLabel(string ItemId, string Label, double Confidence, int Answers, IReadOnlyList<double>? Posterior = null);
