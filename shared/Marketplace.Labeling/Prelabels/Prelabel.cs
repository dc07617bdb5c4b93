using System.Text;
using System.Text.Json;

namespace Marketplace.Labeling.Prelabels;

/// <summary>
/// A model's suggested answer for an item (a manifest line's "predictions"): the label in the task type's answer shape,
/// and optionally the model version that made it and its score (0..1). Stored and carried as
/// {"label", "modelVersion", "score"}; a manifest may also give the bare answer, which becomes the label.
/// </summary>
public sealed record Prelabel(JsonElement Label, string? ModelVersion, decimal? Score)
{
    public const int MaxModelVersion = 100;
    private static readonly HashSet<string> Keys = ["label", "modelVersion", "score"];

    /// <summary>
    /// Reads a manifest's predictions. The object {"label", "modelVersion"?, "score"?} (no other keys) is the full shape;
    /// anything else is the bare answer. A rubric answer is itself an object, so for a rubric the full shape needs its
    /// "label" to be an object too (a rubric with a criterion named "label" stays readable as a bare answer).
    /// </summary>
    /// <returns>null when the predictions are good, else what is wrong with them.</returns>
    public static string? Read(TaskTemplate template, string itemContent, JsonElement predictions, out Prelabel? prelabel)
    {
        prelabel = null;
        var full = predictions.ValueKind == JsonValueKind.Object
                   && predictions.TryGetProperty("label", out var wrapped)
                   && predictions.EnumerateObject().All(p => Keys.Contains(p.Name))
                   && (template.TaskType != TaskTypes.RubricEvaluation || wrapped.ValueKind == JsonValueKind.Object);
        var label = full ? predictions.GetProperty("label") : predictions;
        string? version = null;
        decimal? score = null;
        if (full)
        {
            if (predictions.TryGetProperty("modelVersion", out var v) && v.ValueKind != JsonValueKind.Null)
            {
                if (v.ValueKind != JsonValueKind.String) return "'predictions.modelVersion' must be a string";
                version = v.GetString()!;
                if (version.Length > MaxModelVersion) return $"'predictions.modelVersion' is longer than {MaxModelVersion} characters";
                if (version.Any(char.IsControl)) return "'predictions.modelVersion' holds control characters";
                if (version.Trim().Length == 0) version = null;
            }
            if (predictions.TryGetProperty("score", out var s) && s.ValueKind != JsonValueKind.Null)
            {
                if (s.ValueKind != JsonValueKind.Number || !s.TryGetDecimal(out var value) || value is < 0 or > 1)
                    return "'predictions.score' must be a number from 0 to 1";
                score = value;
            }
        }
        if (AnswerRules.Check(template, itemContent, label) is { } wrong) return $"'predictions' does not fit the task template: {wrong}";
        prelabel = new Prelabel(label.Clone(), version, score);
        return null;
    }

    /// <summary>The stored shape: {"label", "modelVersion", "score"}.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("label");
            Label.WriteTo(writer);
            if (ModelVersion is null) writer.WriteNull("modelVersion"); else writer.WriteString("modelVersion", ModelVersion);
            if (Score is null) writer.WriteNull("score"); else writer.WriteNumber("score", Score.Value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads the stored shape back.</summary>
    public static Prelabel FromStored(JsonElement stored) => new(
        stored.GetProperty("label").Clone(),
        stored.TryGetProperty("modelVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null,
        stored.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDecimal() : null);
}
