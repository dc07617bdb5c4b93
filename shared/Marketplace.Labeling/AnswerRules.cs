using System.Text.Json;

namespace Marketplace.Labeling;

/// <summary>
/// Whether a submitted answer has the shape its task template asks for. Answers are JSON:
/// classification: "label" (or ["label", ...] when multi-label); bounding-boxes: [{label, x, y, width, height}] in
/// fractions of the image; text-spans: [{label, start, end}] character offsets, not overlapping; transcription and
/// llm-sft: "text"; reward-ranking: [indices of the responses, best first]; rubric-evaluation: {criterion: score}.
/// </summary>
public static class AnswerRules
{
    public const int MaxTextAnswer = 50_000;

    /// <returns>null when the answer is valid, else a message for the 'answer' field.</returns>
    public static string? Check(TaskTemplate template, string itemContent, JsonElement answer)
    {
        if (answer.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return "'Answer' is required.";
        return template.TaskType switch
        {
            TaskTypes.TextClassification or TaskTypes.ImageClassification or TaskTypes.AudioClassification => Classification(template, answer),
            TaskTypes.BoundingBoxes => Boxes(template, answer),
            TaskTypes.TextSpans => Spans(template, itemContent, answer),
            TaskTypes.Transcription or TaskTypes.LlmSft => Text(answer),
            TaskTypes.RewardRanking => Ranking(itemContent, answer),
            TaskTypes.RubricEvaluation => Rubric(template, answer),
            _ => $"Unknown task type {template.TaskType}.",
        };
    }

    private static string? Classification(TaskTemplate template, JsonElement answer)
    {
        var labels = string.Join(", ", template.Labels);
        if (!template.MultiLabel)
        {
            return answer.ValueKind == JsonValueKind.String && template.Labels.Contains(answer.GetString()!)
                ? null : $"'Answer' must be one of the order's labels: {labels}.";
        }
        if (answer.ValueKind != JsonValueKind.Array) return $"'Answer' must be a list of the order's labels: {labels}.";
        var picked = answer.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).ToList();
        if (picked.Count == 0) return "'Answer' must pick at least one label.";
        if (picked.Any(p => p is null || !template.Labels.Contains(p))) return $"Every label in 'Answer' must be one of: {labels}.";
        return picked.Distinct().Count() == picked.Count ? null : "'Answer' lists a label twice.";
    }

    private static string? Boxes(TaskTemplate template, JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Array) return "'Answer' must be a list of boxes (an empty list when there is nothing to mark).";
        var i = 0;
        foreach (var box in answer.EnumerateArray())
        {
            if (box.ValueKind != JsonValueKind.Object) return $"Box {i} must be an object {{label, x, y, width, height}}.";
            if (!box.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String || !template.Labels.Contains(label.GetString()!))
                return $"Box {i} needs a label from: {string.Join(", ", template.Labels)}.";
            var values = new Dictionary<string, double>();
            foreach (var name in new[] { "x", "y", "width", "height" })
            {
                if (!box.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d is < 0 or > 1)
                    return $"Box {i} needs '{name}' as a fraction of the image between 0 and 1.";
                values[name] = d;
            }
            if (values["width"] <= 0 || values["height"] <= 0) return $"Box {i} must have a width and height above 0.";
            if (values["x"] + values["width"] > 1.000001 || values["y"] + values["height"] > 1.000001) return $"Box {i} reaches outside the image.";
            i++;
        }
        return i > 500 ? "At most 500 boxes per item." : null;
    }

    private static string? Spans(TaskTemplate template, string content, JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Array) return "'Answer' must be a list of spans (an empty list when there is nothing to mark).";
        var spans = new List<(int Start, int End)>();
        var i = 0;
        foreach (var span in answer.EnumerateArray())
        {
            if (span.ValueKind != JsonValueKind.Object) return $"Span {i} must be an object {{label, start, end}}.";
            if (!span.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String || !template.Labels.Contains(label.GetString()!))
                return $"Span {i} needs a label from: {string.Join(", ", template.Labels)}.";
            if (!span.TryGetProperty("start", out var s) || !s.TryGetInt32(out var start) || !span.TryGetProperty("end", out var e) || !e.TryGetInt32(out var end))
                return $"Span {i} needs whole-number 'start' and 'end' character offsets.";
            if (start < 0 || end <= start || end > content.Length) return $"Span {i} must satisfy 0 <= start < end <= {content.Length} (the text's length).";
            spans.Add((start, end));
            i++;
        }
        var ordered = spans.OrderBy(s => s.Start).ToList();
        for (var k = 1; k < ordered.Count; k++)
            if (ordered[k].Start < ordered[k - 1].End) return "Spans must not overlap.";
        return null;
    }

    private static string? Text(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.String) return "'Answer' must be the text itself, as a JSON string.";
        var text = answer.GetString()!;
        if (string.IsNullOrWhiteSpace(text)) return "'Answer' must not be empty.";
        return text.Length > MaxTextAnswer ? $"'Answer' is longer than {MaxTextAnswer} characters." : null;
    }

    private static string? Ranking(string content, JsonElement answer)
    {
        var item = RankingItem.TryParse(content);
        if (item is null) return "This item is not a ranking item.";
        var n = item.Responses.Count;
        if (answer.ValueKind != JsonValueKind.Array) return $"'Answer' must list the {n} responses' indices (0 to {n - 1}), best first.";
        var order = new List<int>();
        foreach (var e in answer.EnumerateArray())
        {
            if (!e.TryGetInt32(out var index)) return "'Answer' must contain whole-number indices.";
            order.Add(index);
        }
        return order.Count == n && order.Order().SequenceEqual(Enumerable.Range(0, n))
            ? null : $"'Answer' must rank every response exactly once: a permutation of 0 to {n - 1}.";
    }

    private static string? Rubric(TaskTemplate template, JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object) return "'Answer' must be an object of scores, one per criterion.";
        foreach (var criterion in template.Criteria)
        {
            if (!answer.TryGetProperty(criterion.Name, out var score) || !score.TryGetInt32(out var value))
                return $"'Answer' needs a whole-number score for '{criterion.Name}'.";
            if (value < criterion.Min || value > criterion.Max)
                return $"The score for '{criterion.Name}' must be between {criterion.Min} and {criterion.Max}.";
        }
        var extra = answer.EnumerateObject().Select(p => p.Name).Except(template.Criteria.Select(c => c.Name)).FirstOrDefault();
        return extra is null ? null : $"'{extra}' is not one of the rubric's criteria.";
    }
}
