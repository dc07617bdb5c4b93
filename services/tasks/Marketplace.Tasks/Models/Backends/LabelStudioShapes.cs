using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Labeling;
using Marketplace.Labeling.Delivery;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// The request and response shapes of Label Studio's ML backend (label_studio_ml/api.py): tasks as {id, data}, the label
/// config as Label Studio XML (<see cref="LabelStudioTasks.LabelConfig"/>), and each prediction's <c>result</c> list read
/// back into the task type's answer shape: choices, rectanglelabels (percent of the image), labels (character spans) and
/// textarea. Results of another type, and from_name/to_name, are ignored; a prediction is then checked like a worker's
/// answer (<see cref="AnswerRules"/>), so a label the order does not have is refused.
/// </summary>
public static class LabelStudioShapes
{
    public static bool Supports(string taskType) => taskType is TaskTypes.TextClassification or TaskTypes.ImageClassification
        or TaskTypes.AudioClassification or TaskTypes.BoundingBoxes or TaskTypes.TextSpans or TaskTypes.Transcription or TaskTypes.LlmSft;

    public static readonly IReadOnlyList<string> Supported =
    [
        TaskTypes.TextClassification, TaskTypes.ImageClassification, TaskTypes.AudioClassification, TaskTypes.BoundingBoxes,
        TaskTypes.TextSpans, TaskTypes.Transcription, TaskTypes.LlmSft,
    ];

    /// <summary>The project id the backend is told: the order and when the backend was registered (Label Studio sends "id.timestamp").</summary>
    public static string Project(Guid orderId, DateTime registeredAt) =>
        $"{orderId:D}.{new DateTimeOffset(DateTime.SpecifyKind(registeredAt, DateTimeKind.Utc)).ToUnixTimeSeconds()}";

    /// <summary>A task as Label Studio sends it: the item id as the task id, the content (or a link to it) under the object tag's name.</summary>
    public static JsonObject Task(TaskTemplate template, string itemId, string contentOrLink) => new()
    {
        ["id"] = itemId,
        ["data"] = new JsonObject
        {
            [LabelStudioTasks.ObjectName(template.TaskType)] = contentOrLink,
            ["item_id"] = itemId,
        },
    };

    public static byte[] SetupBody(TaskTemplate template, string project) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["project"] = project,
        ["schema"] = LabelStudioTasks.LabelConfig(template),
        ["hostname"] = "",
        ["access_token"] = "",
        ["extra_params"] = new JsonObject(),
    });

    public static byte[] PredictBody(TaskTemplate template, string project, IEnumerable<JsonObject> tasks) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["tasks"] = new JsonArray(tasks.Cast<JsonNode>().ToArray()),
        ["project"] = project,
        ["label_config"] = LabelStudioTasks.LabelConfig(template),
        ["params"] = new JsonObject { ["context"] = null },
    });

    /// <summary>An accepted label as Label Studio's ANNOTATION_CREATED webhook event (one event per call, as Label Studio sends them).</summary>
    public static byte[] AnnotationCreated(TaskTemplate template, string project, JsonObject task, string content, string labelJson, long annotationId)
    {
        using var label = JsonDocument.Parse(labelJson);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) LabelStudioTasks.WriteResults(w, template, content, label.RootElement);
        var result = JsonNode.Parse(buffer.ToArray());
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["action"] = "ANNOTATION_CREATED",
            ["project"] = new JsonObject { ["id"] = project, ["label_config"] = LabelStudioTasks.LabelConfig(template) },
            ["task"] = task,
            ["annotation"] = new JsonObject
            {
                ["id"] = annotationId,
                ["task"] = task["id"]!.DeepClone(),
                ["result"] = result,
                ["was_cancelled"] = false,
                ["ground_truth"] = false,
            },
        });
    }

    /// <summary>A prediction in the order's answer shape, its score clamped to [0, 1] (null when absent), or why it cannot be used.</summary>
    public sealed record Reading(string? LabelJson, decimal? Score, string? ModelVersion, string? Refused);

    public static Reading Read(TaskTemplate template, string content, JsonElement prediction)
    {
        if (prediction.ValueKind != JsonValueKind.Object) return new Reading(null, null, null, "a prediction must be an object with a 'result' list");
        var version = BackendClient.ModelVersionOf(prediction);
        if (!prediction.TryGetProperty("result", out var results) || results.ValueKind != JsonValueKind.Array)
            return Refuse("a prediction must have a 'result' list");
        decimal? score = prediction.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDecimal(out var d)
            ? Math.Clamp(d, 0m, 1m) : null;
        JsonNode? answer;
        try
        {
            answer = Answer(template, results);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or OverflowException)
        {
            return Refuse($"a result does not have Label Studio's shape for {template.TaskType}");
        }
        if (answer is null) return Refuse($"no {ResultType(template.TaskType)} result");
        var json = answer.ToJsonString();
        using var parsed = JsonDocument.Parse(json);
        if (AnswerRules.Check(template, content, parsed.RootElement) is { } wrong) return Refuse(wrong.Length > 250 ? wrong[..250] : wrong);
        return new Reading(json, score, version, null);

        Reading Refuse(string why) => new(null, null, version, why);
    }

    public static string ResultType(string taskType) => taskType switch
    {
        TaskTypes.BoundingBoxes => "rectanglelabels",
        TaskTypes.TextSpans => "labels",
        TaskTypes.Transcription or TaskTypes.LlmSft => "textarea",
        _ => "choices",
    };

    private static IEnumerable<JsonElement> ValuesOf(JsonElement results, string type) => results.EnumerateArray()
        .Where(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                    && string.Equals(t.GetString(), type, StringComparison.OrdinalIgnoreCase) && r.TryGetProperty("value", out _))
        .Select(r => r.GetProperty("value"));

    private static string FirstString(JsonElement value, string property)
    {
        var list = value.GetProperty(property);
        return list.ValueKind == JsonValueKind.Array ? list[0].GetString()! : list.GetString()!;
    }

    private static double Fraction(JsonElement value, string property) =>
        Math.Round(value.GetProperty(property).GetDouble() / 100, 6);

    /// <returns>the answer, or null when no result of the task type's kind is there.</returns>
    private static JsonNode? Answer(TaskTemplate template, JsonElement results)
    {
        var values = ValuesOf(results, ResultType(template.TaskType)).ToList();
        switch (template.TaskType)
        {
            case TaskTypes.BoundingBoxes:
                var boxes = new JsonArray();
                foreach (var v in values)
                {
                    if (v.TryGetProperty("rotation", out var r) && r.GetDouble() != 0) throw new FormatException("rotated boxes are not supported");
                    boxes.Add(new JsonObject
                    {
                        ["label"] = FirstString(v, "rectanglelabels"),
                        ["x"] = Fraction(v, "x"), ["y"] = Fraction(v, "y"),
                        ["width"] = Fraction(v, "width"), ["height"] = Fraction(v, "height"),
                    });
                }
                return boxes;
            case TaskTypes.TextSpans:
                var spans = new JsonArray();
                foreach (var v in values)
                    spans.Add(new JsonObject
                    {
                        ["label"] = FirstString(v, "labels"),
                        ["start"] = v.GetProperty("start").GetInt32(),
                        ["end"] = v.GetProperty("end").GetInt32(),
                    });
                return spans;
            case TaskTypes.Transcription or TaskTypes.LlmSft:
                if (values.Count == 0) return null;
                var text = values[0].GetProperty("text");
                return text.ValueKind == JsonValueKind.Array
                    ? string.Join("\n", text.EnumerateArray().Select(t => t.GetString()))
                    : text.GetString();
            default:
                if (values.Count == 0) return null;
                var choices = values.SelectMany(v => v.GetProperty("choices").EnumerateArray().Select(c => c.GetString()!)).ToList();
                if (template.MultiLabel) return new JsonArray(choices.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
                return choices.Count == 1 ? JsonValue.Create(choices[0]) : throw new FormatException("a single-label order takes one choice");
        }
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
