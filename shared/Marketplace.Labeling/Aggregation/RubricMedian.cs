namespace Marketplace.Labeling.Aggregation;

/// <param name="Scores">Per criterion, the median of the answers' scores (the mean of the middle two for an even count).</param>
/// <param name="Confidence">Per criterion the share of answers within one point of the median; the item takes the lowest.</param>
public sealed record RubricResult(IReadOnlyDictionary<string, decimal> Scores, double Confidence);

/// <summary>
/// Rubric scores are combined per criterion by the median: one careless or hostile score cannot drag it the way it drags a
/// mean. Agreement is "within one point", the tolerance the gold check uses for rubrics.
/// </summary>
public static class RubricMedian
{
    public static RubricResult Aggregate(IReadOnlyList<RubricCriterion> criteria, IReadOnlyList<IReadOnlyDictionary<string, decimal>> answers)
    {
        var scores = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (answers.Count == 0) return new RubricResult(scores, 0);
        var confidence = 1.0;
        foreach (var criterion in criteria)
        {
            var given = answers.Where(a => a.ContainsKey(criterion.Name)).Select(a => a[criterion.Name]).Order().ToArray();
            if (given.Length == 0) continue;
            var median = given.Length % 2 == 1 ? given[given.Length / 2] : (given[given.Length / 2 - 1] + given[given.Length / 2]) / 2;
            scores[criterion.Name] = median;
            confidence = Math.Min(confidence, (double)given.Count(s => Math.Abs(s - median) <= 1) / given.Length);
        }
        return new RubricResult(scores, confidence);
    }
}
