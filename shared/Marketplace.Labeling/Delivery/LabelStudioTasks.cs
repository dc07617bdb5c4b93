using System.Security;
using System.Text.Json;
using Marketplace.Labeling.Aggregation;

namespace Marketplace.Labeling.Delivery;

/// <summary>
/// Label Studio's JSON task format: one task per item with the content under <c>data</c>, every worker's answer as an
/// annotation and the combined label as a prediction (its score is the confidence, its model_version the method), so a
/// reviewer can open the delivery in Label Studio and see where the crowd disagreed. Results use the control tags of
/// <see cref="LabelConfig"/>: Choices, RectangleLabels (percent of the image), Labels (character spans), TextArea,
/// Ranker over a List, and a Number per rubric criterion.
/// </summary>
public static class LabelStudioTasks
{
    /// <summary>The object tag (and data key) an item's content is shown with.</summary>
    public static string ObjectName(string taskType) => taskType switch
    {
        TaskTypes.ImageClassification or TaskTypes.BoundingBoxes => "image",
        TaskTypes.AudioClassification or TaskTypes.Transcription => "audio",
        TaskTypes.LlmSft => "prompt",
        TaskTypes.RewardRanking => "responses",
        _ => "text",
    };

    public static void WriteTask(Utf8JsonWriter w, TaskTemplate template, long taskId, DeliveredItem item)
    {
        w.WriteStartObject();
        w.WriteNumber("id", taskId);
        w.WritePropertyName("data");
        WriteData(w, template, item);
        w.WriteStartArray("annotations");
        var n = 0;
        foreach (var answer in item.Answers)
        {
            w.WriteStartObject();
            w.WriteNumber("id", ++n);
            w.WritePropertyName("result");
            WriteResults(w, template, item.Content, answer.Answer);
            w.WriteBoolean("was_cancelled", false);
            w.WriteBoolean("ground_truth", false);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("predictions");
        if (item.Label is { } label)
        {
            w.WriteStartObject();
            w.WriteString("model_version", item.Method);
            if (item.Confidence is { } confidence) w.WriteNumber("score", confidence);
            w.WritePropertyName("result");
            WriteResults(w, template, item.Content, label);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("meta");
        w.WriteString("item_id", item.ItemId);
        w.WriteString("method", item.Method);
        if (item.Confidence is { } c) w.WriteNumber("confidence", c); else w.WriteNull("confidence");
        w.WriteStartArray("workers");
        foreach (var answer in item.Answers)
        {
            w.WriteStartObject();
            w.WriteString("worker_id", answer.WorkerId);
            w.WriteString("assignment_id", answer.AssignmentId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteData(Utf8JsonWriter w, TaskTemplate template, DeliveredItem item)
    {
        w.WriteStartObject();
        w.WriteString("item_id", item.ItemId);
        if (template.TaskType == TaskTypes.RewardRanking && RankingItem.TryParse(item.Content) is { } ranking)
        {
            w.WriteString("prompt", ranking.Prompt);
            w.WriteStartArray("responses");
            for (var i = 0; i < ranking.Responses.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("title", $"Response {i + 1}");
                w.WriteString("body", ranking.Responses[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        else
        {
            w.WriteString(ObjectName(template.TaskType), item.Content);
        }
        w.WriteEndObject();
    }

    /// <summary>An answer (or a combined label; both have the task type's answer shape) as a list of Label Studio results.</summary>
    public static void WriteResults(Utf8JsonWriter w, TaskTemplate template, string content, JsonElement answer)
    {
        var to = ObjectName(template.TaskType);
        var n = 0;
        void Start(string from, string type)
        {
            w.WriteStartObject();
            w.WriteString("id", $"r{++n}");
            w.WriteString("from_name", from);
            w.WriteString("to_name", to);
            w.WriteString("type", type);
            w.WriteStartObject("value");
        }
        void End()
        {
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteStartArray();
        switch (template.TaskType)
        {
            case TaskTypes.TextClassification or TaskTypes.ImageClassification or TaskTypes.AudioClassification:
                Start("label", "choices");
                w.WriteStartArray("choices");
                if (answer.ValueKind == JsonValueKind.Array) foreach (var l in answer.EnumerateArray()) w.WriteStringValue(l.GetString());
                else w.WriteStringValue(answer.GetString());
                w.WriteEndArray();
                End();
                break;
            case TaskTypes.BoundingBoxes:
                foreach (var box in answer.EnumerateArray())
                {
                    Start("label", "rectanglelabels");
                    w.WriteNumber("x", Percent(box.GetProperty("x").GetDouble()));
                    w.WriteNumber("y", Percent(box.GetProperty("y").GetDouble()));
                    w.WriteNumber("width", Percent(box.GetProperty("width").GetDouble()));
                    w.WriteNumber("height", Percent(box.GetProperty("height").GetDouble()));
                    w.WriteNumber("rotation", 0);
                    w.WriteStartArray("rectanglelabels");
                    w.WriteStringValue(box.GetProperty("label").GetString());
                    w.WriteEndArray();
                    End();
                }
                break;
            case TaskTypes.TextSpans:
                foreach (var span in answer.EnumerateArray())
                {
                    var start = span.GetProperty("start").GetInt32();
                    var end = span.GetProperty("end").GetInt32();
                    Start("label", "labels");
                    w.WriteNumber("start", start);
                    w.WriteNumber("end", end);
                    if (start >= 0 && end <= content.Length && start <= end) w.WriteString("text", content[start..end]);
                    w.WriteStartArray("labels");
                    w.WriteStringValue(span.GetProperty("label").GetString());
                    w.WriteEndArray();
                    End();
                }
                break;
            case TaskTypes.Transcription or TaskTypes.LlmSft:
                Start(template.TaskType == TaskTypes.Transcription ? "transcription" : "answer", "textarea");
                w.WriteStartArray("text");
                w.WriteStringValue(answer.GetString());
                w.WriteEndArray();
                End();
                break;
            case TaskTypes.RewardRanking:
                Start("rank", "ranker");
                w.WriteStartObject("ranker");
                w.WriteStartArray("responses");
                foreach (var i in answer.EnumerateArray()) w.WriteStringValue(i.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteEndArray();
                w.WriteEndObject();
                End();
                break;
            case TaskTypes.RubricEvaluation:
                foreach (var criterion in template.Criteria)
                {
                    if (!answer.TryGetProperty(criterion.Name, out var score)) continue;
                    Start(criterion.Name, "number");
                    w.WriteNumber("number", score.GetDecimal());
                    End();
                }
                break;
        }
        w.WriteEndArray();
    }

    private static double Percent(double fraction) => Math.Round(fraction * 100, 6);

    /// <summary>A labeling configuration (Label Studio's XML) whose tag names match the results above, to import the tasks with.</summary>
    public static string LabelConfig(TaskTemplate template)
    {
        static string E(string s) => SecurityElement.Escape(s);
        var labels = string.Concat(template.Labels.Select(l => $"<Label value=\"{E(l)}\"/>"));
        var choices = string.Concat(template.Labels.Select(l => $"<Choice value=\"{E(l)}\"/>"));
        return template.TaskType switch
        {
            TaskTypes.TextClassification => $"<View><Text name=\"text\" value=\"$text\"/><Choices name=\"label\" toName=\"text\" choice=\"{(template.MultiLabel ? "multiple" : "single")}\">{choices}</Choices></View>",
            TaskTypes.ImageClassification => $"<View><Image name=\"image\" value=\"$image\"/><Choices name=\"label\" toName=\"image\" choice=\"{(template.MultiLabel ? "multiple" : "single")}\">{choices}</Choices></View>",
            TaskTypes.AudioClassification => $"<View><Audio name=\"audio\" value=\"$audio\"/><Choices name=\"label\" toName=\"audio\" choice=\"{(template.MultiLabel ? "multiple" : "single")}\">{choices}</Choices></View>",
            TaskTypes.BoundingBoxes => $"<View><Image name=\"image\" value=\"$image\"/><RectangleLabels name=\"label\" toName=\"image\">{labels}</RectangleLabels></View>",
            TaskTypes.TextSpans => $"<View><Labels name=\"label\" toName=\"text\">{labels}</Labels><Text name=\"text\" value=\"$text\"/></View>",
            TaskTypes.Transcription => "<View><Audio name=\"audio\" value=\"$audio\"/><TextArea name=\"transcription\" toName=\"audio\"/></View>",
            TaskTypes.LlmSft => "<View><Text name=\"prompt\" value=\"$prompt\"/><TextArea name=\"answer\" toName=\"prompt\"/></View>",
            TaskTypes.RewardRanking => "<View><Text name=\"prompt\" value=\"$prompt\"/><List name=\"responses\" value=\"$responses\" title=\"Responses\"/><Ranker name=\"rank\" toName=\"responses\"/></View>",
            TaskTypes.RubricEvaluation => $"<View><Text name=\"text\" value=\"$text\"/>{string.Concat(template.Criteria.Select(c => $"<Header value=\"{E(c.Name)}\"/><Number name=\"{E(c.Name)}\" toName=\"text\" min=\"{c.Min}\" max=\"{c.Max}\"/>"))}</View>",
            _ => "<View/>",
        };
    }
}
