using System.Text.Json.Serialization;

namespace Marketplace.Modeling;

/// <summary>
/// Turns a classifier's top-class probability into how often it is right: isotonic regression (pool adjacent violators)
/// of "was right" on the raw probability, fitted on held-out examples the classifier never trained on. Each pooled
/// block's value is Laplace-smoothed, (right + 1) / (n + 2), so a handful of held-out examples never claims 0 or 1;
/// pooling runs on the smoothed values, so the map stays monotone. A raw probability maps to the block that covers it
/// (below the lowest held-out score, the first block; above the highest, the last).
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

    public static Calibration Fit(IEnumerable<(double Raw, bool Right)> heldOut)
    {
        var points = heldOut.OrderBy(p => p.Raw).ToList();
        if (points.Count == 0) return Unknown;
        var blocks = new List<(double Upper, int Right, int Count)>();
        foreach (var (raw, right) in points)
        {
            var block = (Upper: raw, Right: right ? 1 : 0, Count: 1);
            if (blocks.Count > 0 && blocks[^1].Upper == raw) // equal scores are one point: the map is a function of the score
            {
                block = (raw, block.Right + blocks[^1].Right, block.Count + blocks[^1].Count);
                blocks.RemoveAt(blocks.Count - 1);
            }
            while (blocks.Count > 0 && Smoothed(blocks[^1].Right, blocks[^1].Count) >= Smoothed(block.Right, block.Count))
            {
                var previous = blocks[^1];
                blocks.RemoveAt(blocks.Count - 1);
                block = (block.Upper, block.Right + previous.Right, block.Count + previous.Count);
            }
            blocks.Add(block);
        }
        return new Calibration(blocks.Select(b => b.Upper).ToArray(), blocks.Select(b => Smoothed(b.Right, b.Count)).ToArray());
    }

    private static double Smoothed(int right, int count) => (right + 1.0) / (count + 2.0);

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
    public static double ExpectedError(IReadOnlyCollection<(double Confidence, bool Right)> predictions, int bins = 10)
    {
        if (predictions.Count == 0) return 0;
        var total = 0.0;
        foreach (var bin in predictions.GroupBy(p => Math.Min(bins - 1, (int)(p.Confidence * bins))))
        {
            var count = bin.Count();
            total += count * Math.Abs(bin.Count(p => p.Right) / (double)count - bin.Average(p => p.Confidence));
        }
        return total / predictions.Count;
    }

    /// <summary>
    /// The calibration error measured honestly: the held-out set in two halves, each half's confidences calibrated by a map
    /// fitted on the other half, so no example is judged by a map that saw it.
    /// </summary>
    public static double CrossFittedError(IReadOnlyList<(double Raw, bool Right)> heldOut)
    {
        if (heldOut.Count < 2) return heldOut.Count == 0 ? 0 : Math.Abs((heldOut[0].Right ? 1 : 0) - Unknown.Apply(heldOut[0].Raw));
        var first = heldOut.Where((_, i) => i % 2 == 0).ToList();
        var second = heldOut.Where((_, i) => i % 2 == 1).ToList();
        var onFirst = Fit(second);
        var onSecond = Fit(first);
        var calibrated = first.Select(p => (onFirst.Apply(p.Raw), p.Right))
            .Concat(second.Select(p => (onSecond.Apply(p.Raw), p.Right))).ToList();
        return ExpectedError(calibrated);
    }
}
