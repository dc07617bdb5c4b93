namespace Marketplace.Labeling.Aggregation;

/// <param name="Order">Response indices, best first.</param>
/// <param name="Strengths">Each response's Bradley-Terry strength, by response index (their geometric mean is 1).</param>
/// <param name="Confidence">The model's probability that the top response beats the second (1 with a single response).</param>
public sealed record AggregatedRanking(IReadOnlyList<int> Order, IReadOnlyList<double> Strengths, double Confidence);

/// <summary>
/// Combines workers' rankings of one item's responses. Each ranking (response indices, best first, as a reward-ranking
/// answer) counts as a win of every response over each one ranked below it. The Bradley-Terry model says response i
/// beats j with probability s_i / (s_i + s_j); the strengths are fitted by Hunter's (2004) MM iteration. Every pair also
/// gets <c>priorGames</c> imaginary games split evenly, which keeps an unbeaten response's strength finite and pulls
/// thinly compared pairs towards a coin toss.
/// </summary>
public static class BradleyTerry
{
    public const double DefaultPriorGames = 1.0;
    private const int MaxIterations = 10_000;
    private const double Tolerance = 1e-10;

    public static AggregatedRanking Aggregate(int responseCount, IReadOnlyList<IReadOnlyList<int>> rankings, double priorGames = DefaultPriorGames)
    {
        if (responseCount < 1) throw new ArgumentOutOfRangeException(nameof(responseCount), "An item has at least one response.");
        if (priorGames <= 0) throw new ArgumentOutOfRangeException(nameof(priorGames), "The prior needs some weight, or an unbeaten response diverges.");
        var n = responseCount;
        var wins = Wins(n, rankings);

        // games[i, j] = comparisons between i and j, imaginary ones included; won[i] = i's wins, imaginary ones included.
        var games = new double[n, n];
        var won = new double[n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                if (i == j) continue;
                games[i, j] = wins[i, j] + wins[j, i] + priorGames;
                won[i] += wins[i, j] + priorGames / 2;
            }

        var strength = new double[n];
        Array.Fill(strength, 1.0);
        var next = new double[n];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            for (var i = 0; i < n; i++)
            {
                var denominator = 0.0;
                for (var j = 0; j < n; j++)
                    if (j != i) denominator += games[i, j] / (strength[i] + strength[j]);
                next[i] = denominator == 0 ? 1 : won[i] / denominator;
            }
            var logMean = next.Average(Math.Log);
            var change = 0.0;
            for (var i = 0; i < n; i++)
            {
                var normalised = next[i] / Math.Exp(logMean);
                change = Math.Max(change, Math.Abs(Math.Log(normalised / strength[i])));
                strength[i] = normalised;
            }
            if (change < Tolerance) break;
        }

        // Equal strengths keep the lower index first, so the same answers always give the same order.
        var order = Enumerable.Range(0, n).OrderByDescending(i => strength[i]).ThenBy(i => i).ToArray();
        var confidence = n == 1 ? 1.0 : strength[order[0]] / (strength[order[0]] + strength[order[1]]);
        return new AggregatedRanking(order, strength, confidence);
    }

    private static int[,] Wins(int n, IReadOnlyList<IReadOnlyList<int>> rankings)
    {
        var wins = new int[n, n];
        var seen = new bool[n];
        foreach (var ranking in rankings)
        {
            Array.Clear(seen);
            foreach (var response in ranking)
            {
                if (response < 0 || response >= n) throw new ArgumentException($"A ranking names response {response}; the item has responses 0 to {n - 1}.", nameof(rankings));
                if (seen[response]) throw new ArgumentException($"A ranking names response {response} twice.", nameof(rankings));
                seen[response] = true;
            }
            for (var a = 0; a < ranking.Count; a++)
                for (var b = a + 1; b < ranking.Count; b++) wins[ranking[a], ranking[b]]++;
        }
        return wins;
    }
}
