using System.Buffers;
using System.Text.Json;

namespace Marketplace.Labeling.Aggregation;

/// <summary>How an item's label was reached; stored with the label and shown in every export.</summary>
public static class AggregationMethods
{
    public const string MajorityVote = "majority-vote";
    public const string DawidSkene = "dawid-skene";
    public const string MultiLabel = "multi-label";
    public const string BradleyTerry = "bradley-terry";
    public const string BoxConsensus = "box-consensus";
    public const string SpanVote = "span-vote";
    public const string TextVote = "text-vote";
    public const string Median = "median";
    public const string AllAnswers = "all-answers";
    public const string Rework = "rework";

    /// <summary>Several answers and the model weighed together chose the model's label, which one of the answers gave
    /// (ConfidenceRouting.Weigh).</summary>
    public const string ModelWitness = "model-witness";
}

/// <param name="Label">The combined label as JSON of the task type's answer shape, or null when there is no single label.</param>
/// <param name="Confidence">In [0, 1], or null when the method has no measure of it (no single label, a rework verdict).</param>
public sealed record ItemConsensusResult(string? Label, double? Confidence, string Method);

/// <summary>
/// One item's answers combined for the task types that are decided item by item (everything but classification, which
/// learns each worker's skill across the whole order): rankings by Bradley-Terry, boxes by overlap, spans by vote,
/// rubrics by the median, transcriptions by normalised text. LLM fine-tuning answers have no single right answer: the
/// item keeps all of them and has no label.
/// </summary>
public static class ItemConsensus
{
    public static ItemConsensusResult Aggregate(TaskTemplate template, string content, IReadOnlyList<JsonElement> answers)
    {
        switch (template.TaskType)
        {
            case TaskTypes.RewardRanking:
            {
                var responses = RankingItem.TryParse(content)?.Responses.Count
                    ?? throw new InvalidDataException("A reward-ranking item's content is not {prompt, responses}.");
                var ranking = BradleyTerry.Aggregate(responses, answers.Select(a => (IReadOnlyList<int>)a.EnumerateArray().Select(e => e.GetInt32()).ToList()).ToList());
                return new(Json(w => { w.WriteStartArray(); foreach (var i in ranking.Order) w.WriteNumberValue(i); w.WriteEndArray(); }),
                    ranking.Confidence, AggregationMethods.BradleyTerry);
            }
            case TaskTypes.BoundingBoxes:
            {
                var result = BoxConsensus.Aggregate(answers.Select(a => (IReadOnlyList<LabeledBox>)a.EnumerateArray().Select(b => new LabeledBox(
                    b.GetProperty("label").GetString()!, b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(),
                    b.GetProperty("width").GetDouble(), b.GetProperty("height").GetDouble())).ToList()).ToList());
                return new(Json(w =>
                {
                    w.WriteStartArray();
                    foreach (var box in result.Boxes)
                    {
                        w.WriteStartObject();
                        w.WriteString("label", box.Label);
                        w.WriteNumber("x", Math.Round(box.X, 6));
                        w.WriteNumber("y", Math.Round(box.Y, 6));
                        w.WriteNumber("width", Math.Round(box.Width, 6));
                        w.WriteNumber("height", Math.Round(box.Height, 6));
                        w.WriteNumber("support", Math.Round(box.Support, 6));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }), result.Confidence, AggregationMethods.BoxConsensus);
            }
            case TaskTypes.TextSpans:
            {
                var result = SpanVote.Aggregate(answers.Select(a => (IReadOnlyList<LabeledSpan>)a.EnumerateArray().Select(s => new LabeledSpan(
                    s.GetProperty("label").GetString()!, s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32())).ToList()).ToList());
                return new(Json(w =>
                {
                    w.WriteStartArray();
                    foreach (var span in result.Spans)
                    {
                        w.WriteStartObject();
                        w.WriteString("label", span.Label);
                        w.WriteNumber("start", span.Start);
                        w.WriteNumber("end", span.End);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }), result.Confidence, AggregationMethods.SpanVote);
            }
            case TaskTypes.RubricEvaluation:
            {
                var result = RubricMedian.Aggregate(template.Criteria, answers.Select(a =>
                    (IReadOnlyDictionary<string, decimal>)a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDecimal(), StringComparer.Ordinal)).ToList());
                return new(Json(w =>
                {
                    w.WriteStartObject();
                    foreach (var (name, score) in result.Scores) w.WriteNumber(name, score);
                    w.WriteEndObject();
                }), result.Confidence, AggregationMethods.Median);
            }
            case TaskTypes.Transcription:
            {
                var result = TextVote.Aggregate(answers.Select(a => a.GetString() ?? "").ToList());
                return new(Json(w => w.WriteStringValue(result.Text)), result.Confidence, AggregationMethods.TextVote);
            }
            case TaskTypes.LlmSft:
                return new(null, null, AggregationMethods.AllAnswers);
            default:
                throw new ArgumentException($"{template.TaskType} is aggregated across the order, not item by item.", nameof(template));
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
