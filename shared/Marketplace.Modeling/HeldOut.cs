namespace Marketplace.Modeling;

/// <summary>
/// Which accepted examples train the model and which measure it. An item is held out when the stable hash of its id
/// falls in the first <see cref="TrainingRules.HeldOutShare"/> of the hash range (<see cref="IsHeldOut"/>): membership
/// is the item's own, so an item held out once is held out for every version, no version ever trains on the items a
/// later one is measured on, and two versions can be compared on the same items. The routing can leave these items to
/// the crowd alone (ConfidenceRouting's audit), so they measure the model without the model having chosen them. Each label keeps at
/// least one held-out example (its item nearest the held-out range) and two to train on. Labels with fewer examples
/// than <see cref="TrainingRules.MinimumPerLabel"/> wait (the model cannot learn or measure them yet).
/// </summary>
public static class HeldOut
{
    private const uint Range = 10_000;

    /// <summary>Items an order's audit aims for: enough to measure a model right 95% of the time to about ±3 points
    /// (1.96·√(0.95·0.05/200) ≈ 0.03).</summary>
    public const int AuditItems = 200;

    /// <summary>The held-out share of a small order: a tenth (an order of 2,000 items or fewer holds out 10%).</summary>
    public const double MaximumShare = 0.1;

    /// <summary>The held-out share of a large order: never under 2%, so the audit keeps up with the order's own drift.</summary>
    public const double MinimumShare = 0.02;

    /// <summary>
    /// The held-out share of an order of this many items (gold excluded): <see cref="AuditItems"/> of them, between
    /// <see cref="MinimumShare"/> and <see cref="MaximumShare"/>. The audit's items are worked by the crowd alone at full
    /// overlap, so its cost grows with the share while what it measures depends on the count: a fixed tenth spent 21% of
    /// the answers of a 6,046-mail order on it (bench/labeling.sh). Fixed when the model is chosen, so an item's
    /// membership never changes during the order.
    /// </summary>
    public static double ShareFor(int items) =>
        items <= 0 ? MaximumShare : Math.Round(Math.Clamp(AuditItems / (double)items, MinimumShare, MaximumShare), 5);

    /// <summary>Whether the item is in the held-out share: the same answer for every version, machine and run.</summary>
    public static bool IsHeldOut(string itemId, double share) => Position(itemId) < share * Range;

    private static bool IsHeldOut(Example example, TrainingRules rules) =>
        IsHeldOut(example.ItemId, example.Known ? rules.KnownHeldOutShare : rules.HeldOutShare);

    private static uint Position(string itemId) => StableHash(itemId) % Range;

    public static (List<Example> Train, List<Example> Test) Split(IReadOnlyList<Example> examples, TrainingRules rules)
    {
        var provisional = examples.Where(e => e.Provisional).ToList();
        var usable = examples.Where(e => !e.Provisional).GroupBy(e => e.Label, StringComparer.Ordinal)
            .Where(g => g.Count() >= rules.MinimumPerLabel).ToList();
        var count = usable.Sum(g => g.Count());
        if (usable.Count < 2 || count < rules.MinimumExamples)
            throw new NotEnoughExamplesException(count, usable.Count, rules.MinimumExamples, rules.MinimumPerLabel);
        var train = new List<Example>();
        var test = new List<Example>();
        foreach (var label in usable.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = label.OrderBy(e => !IsHeldOut(e, rules)).ThenBy(e => Position(e.ItemId)).ThenBy(e => e.ItemId, StringComparer.Ordinal).ToList();
            var held = Math.Clamp(ordered.Count(e => IsHeldOut(e, rules)), 1, ordered.Count - 2);
            test.AddRange(ordered.Take(held));
            train.AddRange(ordered.Skip(held));
        }
        // Provisional labels only train, and only labels the accepted ones have; never an item that is held out.
        var labels = usable.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        train.AddRange(provisional.Where(e => labels.Contains(e.Label) && !IsHeldOut(e.ItemId, rules.HeldOutShare)));
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
