namespace Marketplace.Modeling;

/// <summary>
/// Which accepted examples train the model and which measure it. Per label, the examples are ordered by a stable hash
/// of the item id and the first share (at least one, leaving at least two to train on) are held out: the same item stays
/// held out as the order grows, so versions are measured on largely the same items. Labels with fewer examples than
/// <see cref="TrainingRules.MinimumPerLabel"/> wait (the model cannot learn or measure them yet).
/// </summary>
public static class HeldOut
{
    public static (List<Example> Train, List<Example> Test) Split(IReadOnlyList<Example> examples, TrainingRules rules)
    {
        var usable = examples.GroupBy(e => e.Label, StringComparer.Ordinal)
            .Where(g => g.Count() >= rules.MinimumPerLabel).ToList();
        var count = usable.Sum(g => g.Count());
        if (usable.Count < 2 || count < rules.MinimumExamples)
            throw new NotEnoughExamplesException(
                $"{count} usable examples in {usable.Count} labels; the model needs at least {rules.MinimumExamples} examples with at least {rules.MinimumPerLabel} for each of two labels or more.");
        var train = new List<Example>();
        var test = new List<Example>();
        foreach (var label in usable.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = label.OrderBy(e => StableHash(e.ItemId)).ThenBy(e => e.ItemId, StringComparer.Ordinal).ToList();
            var held = Math.Clamp((int)Math.Ceiling(ordered.Count * rules.HeldOutShare), 1, ordered.Count - 2);
            test.AddRange(ordered.Take(held));
            train.AddRange(ordered.Skip(held));
        }
        return (train, test);
    }

    /// <summary>FNV-1a over the UTF-16 units: the same on every machine and run (string.GetHashCode is randomised per process).</summary>
    public static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ (byte)c) * 16777619u;
            hash = (hash ^ (byte)(c >> 8)) * 16777619u;
        }
        return hash;
    }
}
