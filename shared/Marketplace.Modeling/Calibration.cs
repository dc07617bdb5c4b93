using System.Text.Json.Serialization;

namespace Marketplace.Modeling;

/// <summary>A held-out example: the classifier's raw top-class probability, whether its label is the accepted one, and how
/// sure that accepted label is (gold: 1; a label the crowd settled: its confidence).</summary>
public readonly record struct HeldOutPoint(double Raw, bool Agrees, double Certainty = 1)
{
    /// <summary>Among <paramref name="labelCount"/> labels: the chance b = (1 − a)/(K − 1) that the label agrees with a wrong
    /// prediction, and the evidence a − b its agreement carries (a, the certainty, no less than chance, 1/K).</summary>
    public (double Chance, double Evidence) Against(int labelCount)
    {
        var certainty = Math.Clamp(Certainty, 1.0 / labelCount, 1);
        var chance = (1 - certainty) / (labelCount - 1);
        return (chance, certainty - chance);
    }
}

/// <summary>
/// Turns a classifier's top-class probability into how often it is right: isotonic regression (pool adjacent violators)
/// of "was right" on the raw probability, fitted on held-out examples the classifier never trained on. Each pooled
/// block's value is Laplace-smoothed, (right + 1) / (n + 2), so a handful of held-out examples never claims 0 or 1;
/// pooling runs on the smoothed values, so the map stays monotone. A raw probability maps to the block that covers it
/// (below the lowest held-out score, the first block; above the highest, the last).
/// <para>
/// The accepted labels it is fitted on are not all right: the crowd settles a label at the order's bar, 95% say, so a
/// classifier that is always right agrees with them only about 95% of the time, and a map fitted on agreement would
/// claim that (the built-in model's one-answer closings were 99.4-99.6% right at a bar of 0.95 in bench/labeling.sh).
/// So "right" is estimated from agreement: a label of certainty a among K labels agrees with a classifier right with
/// probability p with probability b + p(a − b), b = (1 − a)/(K − 1) (both wrong and alike); over a block,
/// p = (agreements − Σb) / Σ(a − b), smoothed as above ((… + 1) / (Σ(a − b) + 2)) and kept within what as many exact
/// labels could show. With exact labels (a = 1) it is the plain map.
/// </para>
/// </summary>
public sealed class Calibration
{
    [JsonConstructor]
    public Calibration(double[] upper, double[] value)
    {
        if (upper.Length == 0 || upper.Length != value.Length) throw new ArgumentException("a calibration has one value per block");
        Upper = upper;
        Value = value;
    }

    /// <summary>The highest raw probability of each block, ascending.</summary>
    public double[] Upper { get; }

    /// <summary>The calibrated confidence of each block, non-decreasing.</summary>
    public double[] Value { get; }

    /// <summary>With nothing held out, nothing is known: every prediction is a coin toss between right and wrong.</summary>
    public static Calibration Unknown { get; } = new([1.0], [0.5]);

    /// <summary>Fitted on exact labels.</summary>
    public static Calibration Fit(IEnumerable<(double Raw, bool Right)> heldOut) => Fit(heldOut.Select(p => new HeldOutPoint(p.Raw, p.Right)), 2);

    public static Calibration Fit(IEnumerable<HeldOutPoint> heldOut, int labelCount)
    {
        if (labelCount < 2) throw new ArgumentOutOfRangeException(nameof(labelCount), "A choice has at least two labels.");
        var points = heldOut.OrderBy(p => p.Raw).ToList();
        if (points.Count == 0) return Unknown;
        var blocks = new List<Block>();
        foreach (var point in points)
        {
            var block = Block.Of(point, labelCount);
            if (blocks.Count > 0 && blocks[^1].Upper == point.Raw) // equal scores are one point: the map is a function of the score
            {
                block = blocks[^1] + block;
                blocks.RemoveAt(blocks.Count - 1);
            }
            while (blocks.Count > 0 && blocks[^1].Value >= block.Value)
            {
                block = blocks[^1] + block;
                blocks.RemoveAt(blocks.Count - 1);
            }
            blocks.Add(block);
        }
        return new Calibration(blocks.Select(b => b.Upper).ToArray(), blocks.Select(b => b.Value).ToArray());
    }

    /// <summary>Pooled held-out examples: their agreements, the agreements chance alone would give (Σb), the evidence they
    /// carry (Σ(a − b)) and their count.</summary>
    private readonly record struct Block(double Upper, double Agreements, double Chance, double Evidence, int Count)
    {
        public static Block Of(HeldOutPoint point, int labelCount)
        {
            var (chance, evidence) = point.Against(labelCount);
            return new Block(point.Raw, point.Agrees ? 1 : 0, chance, evidence, 1);
        }

        public static Block operator +(Block earlier, Block later) => new(later.Upper, earlier.Agreements + later.Agreements,
            earlier.Chance + later.Chance, earlier.Evidence + later.Evidence, earlier.Count + later.Count);

        public double Value => Math.Clamp((Agreements - Chance + 1) / (Evidence + 2), 1.0 / (Count + 2), (Count + 1.0) / (Count + 2));
    }

    public double Apply(double raw)
    {
        for (var i = 0; i < Upper.Length; i++)
            if (raw <= Upper[i]) return Value[i];
        return Value[^1];
    }

    /// <summary>
    /// Expected calibration error: over ten equal-width bins of confidence, the gap between the share right and the mean
    /// confidence, weighted by the bin's share of the examples. 0 is perfectly calibrated.
    /// </summary>
    public static double ExpectedError(IReadOnlyCollection<(double Confidence, bool Right)> predictions, int bins = 10) =>
        ExpectedError(predictions.Select(p => new HeldOutPoint(p.Confidence, p.Right)).ToList(), 2, bins);

    /// <summary>
    /// The same against labels that are not all exact: in each bin, the share that agree against the agreement the
    /// confidences predict with those labels (b + c(a − b), see the class).
    /// </summary>
    public static double ExpectedError(IReadOnlyCollection<HeldOutPoint> predictions, int labelCount, int bins = 10)
    {
        if (predictions.Count == 0) return 0;
        var total = 0.0;
        foreach (var bin in predictions.GroupBy(p => Math.Min(bins - 1, (int)(p.Raw * bins))))
        {
            var count = bin.Count();
            var expected = bin.Sum(p =>
            {
                var (chance, evidence) = p.Against(labelCount);
                return chance + p.Raw * evidence;
            });
            total += Math.Abs(bin.Count(p => p.Agrees) - expected);
        }
        return total / predictions.Count;
    }

    /// <summary>
    /// The calibration error measured honestly: the held-out set in two halves, each half's confidences calibrated by a map
    /// fitted on the other half, so no example is judged by a map that saw it.
    /// </summary>
    public static double CrossFittedError(IReadOnlyList<(double Raw, bool Right)> heldOut) =>
        CrossFittedError(heldOut.Select(p => new HeldOutPoint(p.Raw, p.Right)).ToList(), 2);

    public static double CrossFittedError(IReadOnlyList<HeldOutPoint> heldOut, int labelCount)
    {
        if (heldOut.Count < 2)
            return heldOut.Count == 0 ? 0 : ExpectedError([heldOut[0] with { Raw = Unknown.Apply(heldOut[0].Raw) }], labelCount);
        var first = heldOut.Where((_, i) => i % 2 == 0).ToList();
        var second = heldOut.Where((_, i) => i % 2 == 1).ToList();
        var onFirst = Fit(second, labelCount);
        var onSecond = Fit(first, labelCount);
        var calibrated = first.Select(p => p with { Raw = onFirst.Apply(p.Raw) })
            .Concat(second.Select(p => p with { Raw = onSecond.Apply(p.Raw) })).ToList();
        return ExpectedError(calibrated, labelCount);
    }
}
