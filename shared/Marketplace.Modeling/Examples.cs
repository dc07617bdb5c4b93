namespace Marketplace.Modeling;

/// <summary>What the built-in model reads of an item: its text, or its image's features (see <see cref="ImageFeaturizer"/>).</summary>
public enum ModelKind { Text, Image }

/// <summary>An item the model learns from: its accepted label and its text or image features.</summary>
public sealed record Example(string ItemId, string Label, string? Text = null, float[]? Features = null);

/// <summary>An item to predict.</summary>
public sealed record Unlabeled(string ItemId, string? Text = null, float[]? Features = null);

/// <summary>A prediction: the label, the classifier's own top-class probability and the calibrated confidence.</summary>
public sealed record Prediction(string ItemId, string Label, double RawProbability, double Confidence);

/// <summary>When the model has enough to learn from, and how much of it is held out to measure it.</summary>
public sealed record TrainingRules(int MinimumExamples = 10, int MinimumPerLabel = 3, double HeldOutShare = 0.2, int MaximumIterations = 100,
    float L2Regularization = 1e-3f)
{
    public static TrainingRules Default { get; } = new();
}

/// <summary>What a training measured: on held-out examples the classifier never saw, its accuracy and calibration error.</summary>
public sealed record TrainingMeasures(int TrainingExamples, int HeldOutExamples, double HeldOutAccuracy, double CalibrationError,
    IReadOnlyList<string> Labels);

/// <summary>Not enough to learn from (too few examples, or too few labels with enough examples each).</summary>
public sealed class NotEnoughExamplesException(string message) : Exception(message);
