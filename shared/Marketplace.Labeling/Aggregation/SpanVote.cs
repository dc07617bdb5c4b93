namespace Marketplace.Labeling.Aggregation;

/// <summary>A labelled character range [Start, End) of an item's text, as a text-spans answer gives it.</summary>
public readonly record struct LabeledSpan(string Label, int Start, int End);

/// <param name="Spans">The spans more than half of the answers marked, by start.</param>
/// <param name="Confidence">The least certain keep-or-drop decision over every span anyone marked (1 when all answers are empty).</param>
public sealed record SpanVoteResult(IReadOnlyList<LabeledSpan> Spans, double Confidence);

/// <summary>
/// A span (same label, same offsets) is kept when more than half of the answers marked it. Kept spans never overlap: two
/// overlapping spans each marked by more than half would need one answer to mark both, which answers cannot.
/// </summary>
public static class SpanVote
{
    public static SpanVoteResult Aggregate(IReadOnlyList<IReadOnlyList<LabeledSpan>> answers)
    {
        if (answers.Count == 0) return new SpanVoteResult([], 0);
        var votes = new Dictionary<LabeledSpan, int>();
        foreach (var answer in answers)
            foreach (var span in answer.Distinct())
                votes[span] = votes.GetValueOrDefault(span) + 1;
        var confidence = 1.0;
        var kept = new List<LabeledSpan>();
        foreach (var (span, count) in votes)
        {
            var share = (double)count / answers.Count;
            confidence = Math.Min(confidence, Math.Max(share, 1 - share));
            if (share > 0.5) kept.Add(span);
        }
        return new SpanVoteResult([.. kept.OrderBy(s => s.Start).ThenBy(s => s.End)], confidence);
    }
}
