namespace Marketplace.Labeling.Aggregation;

/// <param name="Text">The winning text as its first writer typed it (trimmed).</param>
/// <param name="Confidence">The share of answers that gave the same text.</param>
public sealed record TextVoteResult(string Text, double Confidence);

/// <summary>
/// Transcriptions are compared as the gold check compares text: trimmed, runs of whitespace as one space, ignoring case.
/// The text most answers gave wins; a tie goes to the text given first. Answers that differ by one character count as
/// different, so a hard recording gets more answers under dynamic overlap until two agree or the cap is reached.
/// </summary>
public static class TextVote
{
    public static TextVoteResult Aggregate(IReadOnlyList<string> answers)
    {
        if (answers.Count == 0) return new TextVoteResult("", 0);
        var groups = new Dictionary<string, (int Count, int First)>(StringComparer.Ordinal);
        for (var i = 0; i < answers.Count; i++)
        {
            var key = Normalise(answers[i]);
            groups[key] = groups.TryGetValue(key, out var g) ? (g.Count + 1, g.First) : (1, i);
        }
        var winner = groups.Values.OrderByDescending(g => g.Count).ThenBy(g => g.First).First();
        return new TextVoteResult(answers[winner.First].Trim(), (double)winner.Count / answers.Count);
    }

    public static string Normalise(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
