namespace Marketplace.Labeling;

/// <summary>The kinds of labeling work an order can ask for; each has its own answer shape.</summary>
public static class TaskTypes
{
    public const string TextClassification = "text-classification";
    public const string ImageClassification = "image-classification";
    public const string AudioClassification = "audio-classification";
    public const string BoundingBoxes = "bounding-boxes";
    public const string TextSpans = "text-spans";
    public const string Transcription = "transcription";
    public const string LlmSft = "llm-sft";
    public const string RewardRanking = "reward-ranking";
    public const string RubricEvaluation = "rubric-evaluation";

    public static readonly IReadOnlyList<string> All =
    [
        TextClassification, ImageClassification, AudioClassification, BoundingBoxes, TextSpans,
        Transcription, LlmSft, RewardRanking, RubricEvaluation,
    ];

    public static bool IsClassification(string taskType) =>
        taskType is TextClassification or ImageClassification or AudioClassification;

    /// <summary>Task types whose answers pick from the order's label set.</summary>
    public static bool UsesLabels(string taskType) =>
        IsClassification(taskType) || taskType is BoundingBoxes or TextSpans;
}
