namespace Marketplace.Labeling.Aggregation;

/// <summary>A box in fractions of the image (0..1), as a bounding-boxes answer gives it.</summary>
public sealed record LabeledBox(string Label, double X, double Y, double Width, double Height);

/// <param name="Support">The share of the item's answers that drew this box.</param>
public sealed record ConsensusBox(string Label, double X, double Y, double Width, double Height, double Support);

/// <param name="Confidence">The least certain keep-or-drop decision over all candidate boxes (1 when every answer is empty).</param>
public sealed record BoxConsensusResult(IReadOnlyList<ConsensusBox> Boxes, double Confidence);

/// <summary>
/// Combines workers' boxes for one image. Boxes of the same label that overlap at IoU 0.5 or more (the same threshold as
/// the gold check) are taken to be the same object: each answer's boxes join the best-matching candidate of their label
/// (at most one box per answer in a candidate), else start a new one. A candidate drawn by more than half of the answers
/// is kept, at the mean of its boxes. The item is only as sure as its weakest decision: for each candidate, the share of
/// answers on the winning side (drawn or not drawn).
/// </summary>
public static class BoxConsensus
{
    public const double MinIoU = 0.5;

    public static BoxConsensusResult Aggregate(IReadOnlyList<IReadOnlyList<LabeledBox>> answers)
    {
        if (answers.Count == 0) return new BoxConsensusResult([], 0);
        var candidates = new List<Candidate>();
        for (var a = 0; a < answers.Count; a++)
        {
            foreach (var box in answers[a])
            {
                Candidate? best = null;
                var bestIoU = MinIoU;
                foreach (var candidate in candidates)
                {
                    if (candidate.Label != box.Label || candidate.LastAnswer == a) continue;
                    var (x, y, w, h) = candidate.Mean;
                    var iou = GoldMix.IoU(x, y, w, h, box.X, box.Y, box.Width, box.Height);
                    if (iou >= bestIoU) (best, bestIoU) = (candidate, iou);
                }
                if (best is null) candidates.Add(best = new Candidate(box.Label));
                best.Add(box, a);
            }
        }

        var kept = new List<ConsensusBox>();
        var confidence = 1.0;
        foreach (var candidate in candidates)
        {
            var support = (double)candidate.Count / answers.Count;
            confidence = Math.Min(confidence, Math.Max(support, 1 - support));
            if (support <= 0.5) continue;
            var (x, y, w, h) = candidate.Mean;
            kept.Add(new ConsensusBox(candidate.Label, x, y, Math.Min(w, 1 - x), Math.Min(h, 1 - y), support));
        }
        return new BoxConsensusResult(kept, confidence);
    }

    private sealed class Candidate(string label)
    {
        private double _x, _y, _w, _h;
        public string Label { get; } = label;
        public int Count { get; private set; }
        public int LastAnswer { get; private set; } = -1;
        public (double X, double Y, double W, double H) Mean => (_x / Count, _y / Count, _w / Count, _h / Count);

        public void Add(LabeledBox box, int answer)
        {
            _x += box.X; _y += box.Y; _w += box.Width; _h += box.Height;
            Count++;
            LastAnswer = answer;
        }
    }
}
