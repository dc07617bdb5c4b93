namespace Marketplace.Modeling;

/// <summary>What the built-in model reads of an item: its text, or its image's features (see <see cref="ImageFeaturizer"/>).</summary>
public enum ModelKind { Text, Image }

/// <summary>An item the model learns from: its accepted label and its text or image features.</summary>
/// <param name="Known">A label known to be right from the start (a gold item's answer): held out at
/// <see cref="TrainingRules.KnownHeldOutShare"/>, since such labels measure and calibrate the model best of all.</param>
/// <param name="Weight">How much the example counts in training, 0 to 1. An accepted label counts 1.</param>
/// <param name="Provisional">A label not yet accepted (the answers so far): it trains, at its weight, but never measures
/// or calibrates the model, which only labels that are accepted may do.</param>
/// <param name="Certainty">How sure the accepted label is, 0 to 1: a gold answer 1, a label the crowd settled its confidence.
/// The calibration allows for the held-out labels' own mistakes by it (<see cref="Calibration"/>).</param>
public sealed record Example(string ItemId, string Label, string? Text = null, float[]? Features = null, float Weight = 1, bool Provisional = false,
    bool Known = false, double Certainty = 1);

/// <summary>An item to predict.</summary>
public sealed record Unlabeled(string ItemId, string? Text = null, float[]? Features = null);

/// <summary>A prediction: the label, the classifier's own top-class probability and the calibrated confidence.</summary>
public sealed record Prediction(string ItemId, string Label, double RawProbability, double Confidence);

/// <summary>When the model has enough to learn from, and how much of it is held out to measure it.</summary>
public sealed record TrainingRules(int MinimumExamples = 10, int MinimumPerLabel = 3, double HeldOutShare = 0.1, int MaximumIterations = 100,
    float? L2Regularization = null, double KnownHeldOutShare = 0.5)
{
    public static TrainingRules Default { get; } = new();

    /// <summary>
    /// SDCA's L2 penalty: the one given, else per kind. Text: 1e-4 (on SpamAssassin with clean labels, 97.9% right at 5,000
    /// mails against 96.7% at 1e-3 and 88.6% at 1e-2; 1e-5 gives 98.4% but every probability near 1, which leaves nothing
    /// to calibrate). Images: 1e-3 (512 standardised ResNet features fit noisy crowd labels too closely below it).
    /// </summary>
    /// <summary>
    /// Whether provisional labels (the answers of items not settled yet) train this kind. Text: yes (SpamAssassin, bench/labeling.sh:
    /// 95.1% at 2.26 answers an item with them, 93.7% at 2.64 without: the first round's model learns as the answers
    /// come in instead of from gold alone). Images: no (ResNet features under a linear model: 84% right on 1,200 clean
    /// MNIST labels, 69% when 17% of them are wrong; a first round's lone answers are wrong more often than that).
    /// </summary>
    public bool ProvisionalFor(ModelKind kind) => kind == ModelKind.Text;

    public float L2For(ModelKind kind) => L2Regularization ?? (kind == ModelKind.Text ? 1e-4f : 1e-3f);
}

/// <summary>What a training measured: on held-out examples the classifier never saw, its accuracy and calibration error.</summary>
public sealed record TrainingMeasures(int TrainingExamples, int HeldOutExamples, double HeldOutAccuracy, double CalibrationError,
    IReadOnlyList<string> Labels);

/// <summary>Not enough to learn from (too few examples, or too few labels with enough examples each): the usable examples
/// and labels counted, and the rules' minimums, for a message in the reader's language.</summary>
public sealed class NotEnoughExamplesException(int examples, int labels, int minimumExamples, int minimumPerLabel)
    : Exception($"{examples} usable examples in {labels} labels; the model needs at least {minimumExamples} examples with at least {minimumPerLabel} for each of two labels or more.")
{
    public int Examples { get; } = examples;
    public int Labels { get; } = labels;
    public int MinimumExamples { get; } = minimumExamples;
    public int MinimumPerLabel { get; } = minimumPerLabel;
}
