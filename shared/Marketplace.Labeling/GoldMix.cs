using System.Text.Json;

namespace Marketplace.Labeling;

/// <summary>
/// Gold items are items whose answer the enterprise knows. Their slots are mixed into an order's work at the order's
/// gold share (indistinguishable to workers) and measure each worker's accuracy.
/// </summary>
public static class GoldMix
{
    public const decimal MaxShare = 0.5m;

    /// <summary>
    /// How many gold slots to mix into <paramref name="regularSlots"/> so that they make up <paramref name="share"/> of
    /// all slots: ceil(regular × share / (1 − share)); none when the share is zero or there is no regular work.
    /// </summary>
    public static long Slots(long regularSlots, decimal share)
    {
        if (share is < 0 or > MaxShare) throw new ArgumentOutOfRangeException(nameof(share));
        if (regularSlots <= 0 || share == 0) return 0;
        return (long)Math.Ceiling(regularSlots * share / (1 - share));
    }

    /// <summary>
    /// Whether an answer matches the known one. Classification: the same label (the same set when multi-label).
    /// Rankings: the same order. Rubrics: every criterion within one point. Boxes: each known box matched by a box of
    /// the same label overlapping it at IoU 0.5 or more, and no extra boxes. Spans: the same spans. Text: the same
    /// text after trimming and collapsing whitespace, case-insensitively.
    /// </summary>
    public static bool Matches(TaskTemplate template, JsonElement answer, JsonElement gold)
    {
        switch (template.TaskType)
        {
            case TaskTypes.TextClassification or TaskTypes.ImageClassification or TaskTypes.AudioClassification:
                return template.MultiLabel
                    ? Strings(answer).ToHashSet().SetEquals(Strings(gold))
                    : answer.ValueKind == JsonValueKind.String && answer.GetString() == gold.GetString();
            case TaskTypes.RewardRanking:
                return answer.EnumerateArray().Select(e => e.GetInt32()).SequenceEqual(gold.EnumerateArray().Select(e => e.GetInt32()));
            case TaskTypes.RubricEvaluation:
                return gold.EnumerateObject().All(c => answer.TryGetProperty(c.Name, out var given) && Math.Abs(given.GetDecimal() - c.Value.GetDecimal()) <= 1);
            case TaskTypes.BoundingBoxes:
                return BoxesMatch(answer, gold);
            case TaskTypes.TextSpans:
                return Spans(answer).ToHashSet().SetEquals(Spans(gold));
            default:
                return answer.ValueKind == JsonValueKind.String && gold.ValueKind == JsonValueKind.String
                    && string.Equals(Normalise(answer.GetString()!), Normalise(gold.GetString()!), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static IEnumerable<string> Strings(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString() ?? "") : [e.GetString() ?? ""];

    private static IEnumerable<(string Label, int Start, int End)> Spans(JsonElement e) =>
        e.EnumerateArray().Select(s => (s.GetProperty("label").GetString()!, s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32()));

    private static string Normalise(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private sealed record Box(string Label, double X, double Y, double W, double H);

    private static List<Box> Boxes(JsonElement e) => e.EnumerateArray().Select(b => new Box(b.GetProperty("label").GetString()!,
        b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(), b.GetProperty("width").GetDouble(), b.GetProperty("height").GetDouble())).ToList();

    public static double IoU(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
    {
        var w = Math.Min(ax + aw, bx + bw) - Math.Max(ax, bx);
        var h = Math.Min(ay + ah, by + bh) - Math.Max(ay, by);
        if (w <= 0 || h <= 0) return 0;
        var inter = w * h;
        return inter / (aw * ah + bw * bh - inter);
    }

    private static bool BoxesMatch(JsonElement answer, JsonElement gold)
    {
        var given = Boxes(answer);
        var known = Boxes(gold);
        if (given.Count != known.Count) return false;
        var unused = given.ToList();
        foreach (var k in known)
        {
            var match = unused.Where(g => g.Label == k.Label)
                .Select(g => (Box: g, IoU: IoU(g.X, g.Y, g.W, g.H, k.X, k.Y, k.W, k.H)))
                .Where(m => m.IoU >= 0.5).OrderByDescending(m => m.IoU).FirstOrDefault();
            if (match.Box is null) return false;
            unused.Remove(match.Box);
        }
        return true;
    }
}
