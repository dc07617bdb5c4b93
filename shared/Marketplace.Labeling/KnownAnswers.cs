using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Marketplace.Labeling;

/// <summary>Whether an answer counts as right against a known answer, and a line of feedback that does not give it away.</summary>
public sealed record Comparison(bool Correct, string Detail);

/// <summary>
/// Compares a worker's answer with a known one (exam items; later gold items). Both must already have the task type's
/// shape (<see cref="AnswerRules"/>). What counts as right, per task type:
/// classification: the same label, or the same set of labels; bounding-boxes: every known box matched one-to-one by a
/// box of the same label with IoU of at least 0.5, and no extra boxes; text-spans: the same spans exactly;
/// transcription and llm-sft: at least 0.9 similarity (1 - edit distance / longer length) after normalising case,
/// punctuation and white space; reward-ranking: Kendall's tau of at least 0.8 (exact for up to 4 responses, one
/// neighbouring swap allowed from 5); rubric-evaluation: every criterion within 1 point.
/// </summary>
public static class KnownAnswers
{
    public const double MinBoxIou = 0.5;
    public const double MinTextSimilarity = 0.9;
    public const double MinKendallTau = 0.8;
    public const int RubricTolerance = 1;

    public static Comparison Compare(TaskTemplate template, JsonElement answer, JsonElement known) => template.TaskType switch
    {
        TaskTypes.TextClassification or TaskTypes.ImageClassification or TaskTypes.AudioClassification => Classification(answer, known),
        TaskTypes.BoundingBoxes => Boxes(answer, known),
        TaskTypes.TextSpans => Spans(answer, known),
        TaskTypes.Transcription or TaskTypes.LlmSft => Text(answer.GetString()!, known.GetString()!),
        TaskTypes.RewardRanking => Ranking(answer, known),
        TaskTypes.RubricEvaluation => Rubric(template, answer, known),
        _ => throw new ArgumentException($"Unknown task type {template.TaskType}", nameof(template)),
    };

    private static Comparison Classification(JsonElement answer, JsonElement known)
    {
        if (known.ValueKind == JsonValueKind.String)
            return answer.ValueKind == JsonValueKind.String && answer.GetString() == known.GetString()
                ? new(true, "Right label.") : new(false, "Not the expected label.");
        var picked = Strings(answer);
        var expected = Strings(known);
        if (picked.SetEquals(expected)) return new(true, "Right labels.");
        var missing = expected.Except(picked).Count();
        var extra = picked.Except(expected).Count();
        return new(false, $"Not the expected labels: {missing} missing, {extra} not expected.");
    }

    private static HashSet<string> Strings(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal) : [];

    public sealed record Box(string Label, double X, double Y, double Width, double Height);

    public static double Iou(Box a, Box b)
    {
        var w = Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X);
        var h = Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y);
        if (w <= 0 || h <= 0) return 0;
        var overlap = w * h;
        return overlap / (a.Width * a.Height + b.Width * b.Height - overlap);
    }

    /// <summary>How many known boxes are matched one-to-one by answered boxes of their label with IoU at least 0.5,
    /// pairing the most overlapping pairs first.</summary>
    public static int MatchBoxes(IReadOnlyList<Box> answered, IReadOnlyList<Box> known)
    {
        var pairs = new List<(double Iou, int A, int K)>();
        for (var a = 0; a < answered.Count; a++)
            for (var k = 0; k < known.Count; k++)
                if (answered[a].Label == known[k].Label && Iou(answered[a], known[k]) is var iou && iou >= MinBoxIou)
                    pairs.Add((iou, a, k));
        var usedA = new bool[answered.Count];
        var usedK = new bool[known.Count];
        var matched = 0;
        foreach (var (_, a, k) in pairs.OrderByDescending(p => p.Iou).ThenBy(p => p.A).ThenBy(p => p.K))
        {
            if (usedA[a] || usedK[k]) continue;
            usedA[a] = usedK[k] = true;
            matched++;
        }
        return matched;
    }

    private static List<Box> Boxes(JsonElement list) => list.EnumerateArray().Select(b => new Box(b.GetProperty("label").GetString()!,
        b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(), b.GetProperty("width").GetDouble(), b.GetProperty("height").GetDouble())).ToList();

    private static Comparison Boxes(JsonElement answer, JsonElement known)
    {
        var answered = Boxes(answer);
        var expected = Boxes(known);
        var matched = MatchBoxes(answered, expected);
        var correct = matched == expected.Count && matched == answered.Count;
        return new(correct, $"{matched} of {expected.Count} boxes found, {answered.Count - matched} not expected.");
    }

    private static Comparison Spans(JsonElement answer, JsonElement known)
    {
        static HashSet<(string, int, int)> Set(JsonElement list) => list.EnumerateArray()
            .Select(s => (s.GetProperty("label").GetString()!, s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32())).ToHashSet();
        var answered = Set(answer);
        var expected = Set(known);
        var matched = answered.Intersect(expected).Count();
        return new(answered.SetEquals(expected), $"{matched} of {expected.Count} spans exactly right, {answered.Count - matched} not expected.");
    }

    private static Comparison Text(string answer, string known)
    {
        var similarity = Similarity(answer, known, MinTextSimilarity);
        return similarity >= MinTextSimilarity
            ? new(true, $"Close enough ({similarity:P0} similar).")
            : new(false, $"Too far from the expected text (less than {MinTextSimilarity:P0} similar).");
    }

    /// <summary>Lower case, no punctuation or symbols, runs of white space as one space, trimmed.</summary>
    public static string NormaliseText(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsWhiteSpace(c)) { space = builder.Length > 0; continue; }
            if (char.IsPunctuation(c) || char.IsSymbol(c)) continue;
            if (space) builder.Append(' ');
            space = false;
            builder.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>
    /// 1 - edit distance / longer length of the normalised texts. Exact when at least <paramref name="floor"/>; below it,
    /// some value under the floor: the edit distance is only computed within the band the floor allows, so comparing two
    /// long, different texts costs length x band, not length squared.
    /// </summary>
    public static double Similarity(string a, string b, double floor = 0)
    {
        a = NormaliseText(a);
        b = NormaliseText(b);
        var longer = Math.Max(a.Length, b.Length);
        if (longer == 0) return 1;
        var bound = (int)Math.Floor((1 - floor) * longer + 1e-9);
        var distance = BoundedEditDistance(a, b, bound);
        return 1 - (double)distance / longer;
    }

    /// <summary>The Levenshtein distance when it is at most <paramref name="bound"/>, else bound + 1.</summary>
    public static int BoundedEditDistance(string a, string b, int bound)
    {
        if (Math.Abs(a.Length - b.Length) > bound) return bound + 1;
        const int Far = int.MaxValue / 2;
        var previous = new int[b.Length + 2];
        var current = new int[b.Length + 2];
        for (var j = 0; j <= b.Length; j++) previous[j] = j <= bound ? j : Far;
        previous[b.Length + 1] = Far;
        for (var i = 1; i <= a.Length; i++)
        {
            var low = Math.Max(1, i - bound);
            var high = Math.Min(b.Length, i + bound);
            current[0] = i <= bound ? i : Far;
            if (low > 1) current[low - 1] = Far;
            var best = low == 1 ? current[0] : Far;
            for (var j = low; j <= high; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
                best = Math.Min(best, current[j]);
            }
            current[high + 1] = Far;
            if (best > bound) return bound + 1;
            (previous, current) = (current, previous);
        }
        return previous[b.Length] > bound ? bound + 1 : previous[b.Length];
    }

    /// <summary>Kendall's tau between two orderings of the same indices (best first): 1 the same, -1 reversed.</summary>
    public static double KendallTau(IReadOnlyList<int> first, IReadOnlyList<int> second)
    {
        var n = first.Count;
        if (n < 2) return 1;
        var position = new int[n];
        for (var i = 0; i < n; i++) position[second[i]] = i;
        var concordant = 0;
        var discordant = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                if (position[first[i]] < position[first[j]]) concordant++; else discordant++;
        return (double)(concordant - discordant) / (n * (n - 1) / 2);
    }

    private static Comparison Ranking(JsonElement answer, JsonElement known)
    {
        var answered = answer.EnumerateArray().Select(e => e.GetInt32()).ToList();
        var expected = known.EnumerateArray().Select(e => e.GetInt32()).ToList();
        var tau = KendallTau(answered, expected);
        var pairs = expected.Count * (expected.Count - 1) / 2;
        var agreeing = (int)Math.Round((tau + 1) / 2 * pairs);
        return new(tau >= MinKendallTau - 1e-9, $"Your order agrees with the expected one on {agreeing} of {pairs} pairs.");
    }

    private static Comparison Rubric(TaskTemplate template, JsonElement answer, JsonElement known)
    {
        var within = template.Criteria.Count(c =>
            Math.Abs(answer.GetProperty(c.Name).GetInt32() - known.GetProperty(c.Name).GetInt32()) <= RubricTolerance);
        return new(within == template.Criteria.Count,
            $"{within} of {template.Criteria.Count} scores within {RubricTolerance} point of the expected ones.");
    }
}
