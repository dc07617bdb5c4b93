namespace Marketplace.Labeling;

/// <summary>What an item's content must be for a task type: text to read, a link to a picture or sound, or a ranking set.</summary>
public static class ItemRules
{
    public const int MaxContentLength = 100_000;

    /// <returns>null when the content suits the task type, else why not.</returns>
    public static string? Check(string taskType, string content)
    {
        if (string.IsNullOrWhiteSpace(content)) return "content is empty";
        if (content.Length > MaxContentLength) return $"content is longer than {MaxContentLength} characters";
        switch (taskType)
        {
            case TaskTypes.ImageClassification or TaskTypes.BoundingBoxes or TaskTypes.AudioClassification or TaskTypes.Transcription:
                return IsMediaReference(content) ? null : "content must be a link to the file (http://, https:// or content://)";
            case TaskTypes.RewardRanking:
                var item = RankingItem.TryParse(content);
                if (item is null) return "content must be JSON {\"prompt\": \"...\", \"responses\": [\"...\", \"...\"]}";
                return item.Responses.Count is < 2 or > 10 ? "a ranking item needs 2 to 10 responses" : null;
            default:
                return null;
        }
    }

    public static bool IsMediaReference(string content) =>
        Uri.TryCreate(content.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "content";
}
