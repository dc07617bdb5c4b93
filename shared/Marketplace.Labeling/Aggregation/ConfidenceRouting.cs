namespace Marketplace.Labeling.Aggregation;

/// <summary>What the model says about an item: whether its label is the one the answers give (the lone answer, or the
/// label aggregated from several), and its score for its own label.</summary>
/// <param name="Score">The model's confidence in its own label, 0 to 1, taken as a probability that it is right (the built-in
/// model calibrates it; a manifest's score is its owner's claim).</param>
/// <param name="Supported">Some answer gives the model's label (when it does not agree with the answers' label): then,
/// with several answers, the model may tip the item to the label that answer gave.</param>
/// <param name="AnswersForModelLabel">The answers' own probability for the model's label (their aggregated posterior),
/// when known; used in weighing a supported model against the answers' label.</param>
public sealed record ModelOpinion(bool Agrees, double Score, bool Supported = false, double? AnswersForModelLabel = null);

/// <param name="MoreAnswers">Slots to add to the item now (0: it is settled, or the cap is reached).</param>
/// <param name="Confidence">The confidence to store for the item.</param>
/// <param name="ClosedByModel">Settled by one answer that agrees with the model.</param>
/// <param name="TakesModelLabel">The label to deliver is the model's (which an answer gave), not the answers' leading one.</param>
public sealed record RoutingDecision(int MoreAnswers, double? Confidence, bool ClosedByModel, bool TakesModelLabel = false);

/// <summary>
/// Confidence-routed overlap (issue 15 item 3). The model counts as one more, independent witness:
/// - its label agrees with the answers' (the lone answer, or the label aggregated from several) and the two together reach
///   the order's bar (<see cref="Combine"/>: the model's score with the lone worker's measured skill, or with the answers'
///   own confidence): the item is settled there, a lone answer "closed by the model". For a lone worker nothing is known
///   about, the combination is the model's own score, so it must reach the bar alone;
/// - several answers that lead with one label while the model gives another that one of them gave: the two weighed
///   together (<see cref="Weigh"/>); the model's label settles the item when it reaches the bar, or at the cap when it is
///   the likelier (measured with bench/labeling.sh: SpamAssassin from 95.7% at 2.17 answers an item to 97.8% at 1.99,
///   MNIST from 95.4% to 98.0% at the same 3.62). A label no answer gave is never delivered, and a lone answer is never
///   overruled;
/// - otherwise, between two labels, several answers and a model that gives the other label: the answers' label is judged
///   at what the two together leave it (<see cref="Weigh"/>), so two answers that agree with each other against a
///   confident model get a third rather than settling (and at the cap their label is delivered at that lower confidence);
/// - an item the model closed in an earlier round stays closed while the current version still gives its answer's label,
///   however surely (its score moves with each version's calibration, which is no evidence against the answer); a version
///   that gives another label reopens it;
/// - otherwise one more answer, as dynamic overlap always did, up to the cap; a lone answer that disagrees with a
///   confident model is never settled by gold vouching for its worker (the model is evidence against it).
/// One answer at a time rather than the rest of the overlap at once: measured with bench/labeling.sh on SpamAssassin
/// (30% random answerers, bar 0.95, cap 5), the rest at once cost 3.17 answers an item for 94.1% accuracy; one at a time,
/// re-routed each round with the model retrained in between, 2.36 for 94.4%. The price is more rounds (each waits for
/// every slot of the order).
/// </summary>
public static class ConfidenceRouting
{
    /// <summary>The most skill a worker is credited with: nobody is never wrong, and 1 would make any item certain.</summary>
    public const double MaxSkill = 0.99;

    /// <param name="closedBefore">The item was closed by the model in an earlier round (one answer that agreed with it).</param>
    public static RoutingDecision Route(int answers, double? confidence, bool vouched, double confidenceBar, int overlapCap,
        ModelOpinion? model, double? workerSkill = null, int labelCount = 2, bool closedBefore = false)
    {
        if (model is not null)
        {
            if (double.IsNaN(model.Score) || model.Score is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(model), "A model's score is between 0 and 1.");
            if (model.Agrees && answers >= 1)
            {
                var combined = Combine(model.Score, answers == 1 ? workerSkill : confidence, labelCount);
                if (combined >= confidenceBar) return new RoutingDecision(0, combined, answers == 1);
                // Settled stays settled while the model still agrees: a later version's score for the same label moves with
                // its calibration (fitted on a few hundred held-out labels at most), which is no evidence against the answer.
                if (closedBefore && answers == 1) return new RoutingDecision(0, combined, true);
            }
        }
        // Several answers, the model for a label one of them gave but not the leading one: the two pieces of evidence
        // weighed together. The model's label settles the item when it reaches the bar, or when the cap is reached and it
        // is the likelier of the two.
        if (model is { Agrees: false } && answers >= 2 && confidence is { } c)
        {
            var (forModel, forAnswers) = Weigh(model.Score, c, labelCount, model.AnswersForModelLabel);
            if (model.Supported && (forModel >= confidenceBar || answers >= overlapCap && forModel > forAnswers))
                return new RoutingDecision(0, forModel, false, TakesModelLabel: true);
            // Otherwise, between two labels, the answers' label stands or falls with the model counted against it: two
            // answers that agree with each other against a confident model are not yet settled. Not among more labels:
            // there Dawid-Skene's confidence is understated (a pseudo-count in each of a worker's K² confusion cells), and
            // counting the model against it cost MNIST answers and accuracy (bench/labeling.sh: 2.31 answers an item at
            // 99.3% to 2.42 at 98.9%).
            if (labelCount == 2)
            {
                var weighed = DynamicOverlap.Decide(answers, forAnswers, confidenceBar, overlapCap);
                return new RoutingDecision(weighed.NeedsMore ? 1 : 0, forAnswers, false);
            }
        }
        var disagrees = model is not null && answers == 1 && !model.Agrees && model.Score >= confidenceBar;
        var decision = DynamicOverlap.Decide(answers, confidence, confidenceBar, overlapCap, vouched && !disagrees);
        return new RoutingDecision(decision.NeedsMore ? 1 : 0, confidence, false);
    }

    /// <summary>
    /// When the answers give one label with confidence <paramref name="answers"/> and the model another with score
    /// <paramref name="modelScore"/>, the two erring independently and the model spreading the rest of its belief over
    /// the other labels alike: the probabilities of the model's label and of the answers' label. The answers' probability
    /// for the model's label is <paramref name="answersForModel"/> when known (their posterior: with one answer each way
    /// among ten labels it is far above an even share of the rest), else the rest of their belief spread alike too.
    /// (For two labels the two are the same.)
    /// </summary>
    public static (double ForModel, double ForAnswers) Weigh(double modelScore, double answers, int labelCount, double? answersForModel = null)
    {
        if (labelCount < 2) throw new ArgumentOutOfRangeException(nameof(labelCount), "A choice has at least two labels.");
        if (double.IsNaN(modelScore) || modelScore is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(modelScore));
        if (double.IsNaN(answers) || answers is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(answers));
        if (answersForModel is { } m && (double.IsNaN(m) || m is < 0 or > 1)) throw new ArgumentOutOfRangeException(nameof(answersForModel));
        var others = labelCount - 1.0;
        // At most what the answers' own label leaves (the stored confidence is rounded, the posterior is not).
        var onModel = Math.Min(answersForModel ?? (1 - answers) / others, 1 - answers);
        var elsewhere = Math.Max(0, 1 - answers - onModel);
        var forModel = modelScore * onModel;
        var forAnswers = answers * (1 - modelScore) / others;
        var rest = elsewhere * (1 - modelScore) / others;
        var total = forModel + forAnswers + rest;
        return total == 0 ? (0, 0) : (forModel / total, forAnswers / total);
    }

    /// <summary>
    /// The probability that a label is right when the model gives it with probability <paramref name="modelScore"/> and
    /// independent evidence (a worker of accuracy <paramref name="evidence"/>, or answers that give it with that confidence)
    /// gives it too, the two erring independently and a wrong one choosing among the other <paramref name="labelCount"/> − 1
    /// labels alike: p·q / (p·q + (1 − p)(1 − q)/(K − 1)). Unknown evidence counts as chance (q = 1/K), which leaves the
    /// model's score as it is; q is capped at <see cref="MaxSkill"/>.
    /// </summary>
    public static double Combine(double modelScore, double? evidence, int labelCount)
    {
        if (labelCount < 2) throw new ArgumentOutOfRangeException(nameof(labelCount), "A choice has at least two labels.");
        if (double.IsNaN(modelScore) || modelScore is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(modelScore));
        if (evidence is not { } q) return modelScore;
        if (double.IsNaN(q) || q is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(evidence));
        q = Math.Min(q, MaxSkill);
        var right = modelScore * q;
        var wrong = (1 - modelScore) * (1 - q) / (labelCount - 1);
        return right + wrong == 0 ? modelScore : right / (right + wrong);
    }
}
