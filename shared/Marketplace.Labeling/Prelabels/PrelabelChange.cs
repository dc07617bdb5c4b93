using System.Text.Json;
using Marketplace.Labeling.Aggregation;

namespace Marketplace.Labeling.Prelabels;

/// <summary>
/// How a submitted answer differs from the item's pre-label, measured by task type. Unchanged: the worker accepted the
/// suggestion as it was (the same label, the same set of labels, boxes or spans, the same text, ranking or scores).
/// Flipped (single-label classification): the label differs. Jaccard (multi-label): |both| / |either| of the label sets.
/// MeanIoU (boxes): boxes of the same label paired greedily by highest IoU at 0.5 or more; the mean over pairs and
/// unpaired boxes (an unpaired box counts 0), BoxesAdded the worker's unpaired boxes, BoxesRemoved the model's.
/// SpanF1 (text spans): F1 of exact spans (label, start, end). EditDistance (transcription, LLM answers): Levenshtein
/// distance over characters divided by the longer text's length (0 the same, 1 all different). Measures that do not
/// apply to the task type are null; ranking and rubric answers are only unchanged or changed.
/// </summary>
public sealed record PrelabelChange(bool Unchanged, bool? Flipped = null, decimal? Jaccard = null, decimal? MeanIoU = null,
    int? BoxesAdded = null, int? BoxesRemoved = null, decimal? SpanF1 = null, decimal? EditDistance = null)
{
    public const double BoxMatchIoU = 0.5;
    /// <summary>The most character pairs the exact edit distance compares (after the common prefix and suffix are set aside).</summary>
    public const long MaxEditCells = 16_000_000;

    /// <param name="prelabel">The pre-label's answer (its "label").</param>
    public static PrelabelChange Measure(TaskTemplate template, JsonElement prelabel, JsonElement answer)
    {
        switch (template.TaskType)
        {
            case TaskTypes.TextClassification or TaskTypes.ImageClassification or TaskTypes.AudioClassification:
                if (!template.MultiLabel)
                {
                    var flipped = Text(answer) != Text(prelabel);
                    return new PrelabelChange(!flipped, Flipped: flipped);
                }
                var jaccard = LabelJaccard(Strings(prelabel), Strings(answer));
                return new PrelabelChange(jaccard == 1m, Jaccard: jaccard);
            case TaskTypes.BoundingBoxes:
                var (iou, added, removed, same) = MatchBoxes(BoxList(prelabel), BoxList(answer));
                return new PrelabelChange(same, MeanIoU: iou, BoxesAdded: added, BoxesRemoved: removed);
            case TaskTypes.TextSpans:
                var f1 = ExactSpanF1(Spans(prelabel), Spans(answer));
                return new PrelabelChange(f1 == 1m, SpanF1: f1);
            case TaskTypes.Transcription or TaskTypes.LlmSft:
                var distance = NormalisedEditDistance(Text(prelabel) ?? "", Text(answer) ?? "");
                return new PrelabelChange(distance == 0m, EditDistance: distance);
            case TaskTypes.RewardRanking:
                return new PrelabelChange(prelabel.EnumerateArray().Select(e => e.GetInt32()).SequenceEqual(answer.EnumerateArray().Select(e => e.GetInt32())));
            default:
                return new PrelabelChange(JsonElement.DeepEquals(prelabel, answer));
        }
    }

    public static decimal LabelJaccard(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b)
    {
        var union = a.Union(b).Count();
        return union == 0 ? 1m : Round((decimal)a.Intersect(b).Count() / union);
    }

    public static decimal ExactSpanF1(IReadOnlyCollection<(string Label, int Start, int End)> model, IReadOnlyCollection<(string Label, int Start, int End)> worker)
    {
        var m = model.ToHashSet();
        var w = worker.ToHashSet();
        if (m.Count + w.Count == 0) return 1m;
        return Round(2m * m.Intersect(w).Count() / (m.Count + w.Count));
    }

    /// <returns>The mean IoU over paired and unpaired boxes, how many the worker added and removed, and whether the boxes are the same.</returns>
    public static (decimal MeanIoU, int Added, int Removed, bool Same) MatchBoxes(IReadOnlyList<LabeledBox> model, IReadOnlyList<LabeledBox> worker)
    {
        if (model.Count + worker.Count == 0) return (1m, 0, 0, true);
        var pairs = (from i in Enumerable.Range(0, model.Count)
                     from j in Enumerable.Range(0, worker.Count)
                     where model[i].Label == worker[j].Label
                     let iou = GoldMix.IoU(model[i].X, model[i].Y, model[i].Width, model[i].Height, worker[j].X, worker[j].Y, worker[j].Width, worker[j].Height)
                     where iou >= BoxMatchIoU
                     orderby iou descending, i, j
                     select (i, j, iou)).ToList();
        var modelUsed = new bool[model.Count];
        var workerUsed = new bool[worker.Count];
        double sum = 0;
        int matched = 0;
        var same = model.Count == worker.Count;
        foreach (var (i, j, iou) in pairs)
        {
            if (modelUsed[i] || workerUsed[j]) continue;
            modelUsed[i] = workerUsed[j] = true;
            sum += iou;
            matched++;
            if (model[i] != worker[j]) same = false;
        }
        var added = worker.Count - matched;
        var removed = model.Count - matched;
        same &= added == 0 && removed == 0;
        return (Round((decimal)(sum / (matched + added + removed))), added, removed, same);
    }

    /// <summary>
    /// Levenshtein distance over characters divided by the longer text's length. The common prefix and suffix are set
    /// aside first (an accepted text with a few fixes costs little); a changed middle larger than
    /// <see cref="MaxEditCells"/> pairs counts as rewritten whole (its longer side), an upper bound.
    /// </summary>
    public static decimal NormalisedEditDistance(string model, string worker)
    {
        var longer = Math.Max(model.Length, worker.Length);
        if (longer == 0) return 0m;
        int prefix = 0;
        while (prefix < model.Length && prefix < worker.Length && model[prefix] == worker[prefix]) prefix++;
        int suffix = 0;
        while (suffix < model.Length - prefix && suffix < worker.Length - prefix
               && model[model.Length - 1 - suffix] == worker[worker.Length - 1 - suffix]) suffix++;
        var a = model.AsSpan(prefix, model.Length - prefix - suffix);
        var b = worker.AsSpan(prefix, worker.Length - prefix - suffix);
        int distance;
        if (a.Length == 0 || b.Length == 0) distance = Math.Max(a.Length, b.Length);
        else if ((long)a.Length * b.Length > MaxEditCells) distance = Math.Max(a.Length, b.Length);
        else
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) previous[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                    current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                (previous, current) = (current, previous);
            }
            distance = previous[b.Length];
        }
        return Round((decimal)distance / longer);
    }

    private static decimal Round(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    private static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static List<string> Strings(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString() ?? "").Distinct().ToList() : [e.GetString() ?? ""];

    private static List<(string, int, int)> Spans(JsonElement e) =>
        e.EnumerateArray().Select(s => (s.GetProperty("label").GetString()!, s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32())).ToList();

    private static List<LabeledBox> BoxList(JsonElement e) => e.EnumerateArray().Select(b => new LabeledBox(b.GetProperty("label").GetString()!,
        b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(), b.GetProperty("width").GetDouble(), b.GetProperty("height").GetDouble())).ToList();
}
