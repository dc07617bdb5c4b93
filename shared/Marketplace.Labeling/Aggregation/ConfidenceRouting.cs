namespace Marketplace.Labeling.Aggregation;

/// <summary>What the model says about an item: whether it agrees with the item's (lone) answer, and its score for its label.</summary>
/// <param name="Score">The model's confidence in its own label, 0 to 1, taken as a probability that it is right (the built-in
/// model calibrates it; a manifest's score is its owner's claim).</param>
public sealed record ModelOpinion(bool Agrees, double Score);

/// <param name="MoreAnswers">Slots to add to the item now (0: it is settled, or the cap is reached).</param>
/// <param name="Confidence">The confidence to store for the item.</param>
/// <param name="ClosedByModel">Settled by one answer that agrees with a confident model.</param>
public sealed record RoutingDecision(int MoreAnswers, double? Confidence, bool ClosedByModel);

/// <summary>
/// Confidence-routed overlap (issue 15 item 3). Without a model's score for the item, dynamic overlap as before: one more
/// answer per round while below the bar. With one:
/// - the model is confident (score at or above the order's bar) and the lone answer agrees with it: the item is settled
///   by that one answer, at the combined confidence (<see cref="Combine"/>), which for a worker no better than chance is
///   the model's own score and never less;
/// - the model is unsure, or a lone answer disagrees with a confident model: the item gets the rest of its overlap up to
///   the cap at once, instead of one answer per round (a second opinion alone rarely settles a disagreement, and each
///   round waits for every slot of the order);
/// - a disagreeing lone answer is never settled by gold vouching for its worker: the model's confidence is evidence
///   against it.
/// </summary>
public static class ConfidenceRouting
{
    /// <summary>The most skill a worker is credited with: nobody is never wrong, and 1 would make any item certain.</summary>
    public const double MaxSkill = 0.99;

    public static RoutingDecision Route(int answers, double? confidence, bool vouched, double confidenceBar, int overlapCap,
        ModelOpinion? model, double? workerSkill = null, int labelCount = 2)
    {
        if (model is null)
        {
            var plain = DynamicOverlap.Decide(answers, confidence, confidenceBar, overlapCap, vouched);
            return new RoutingDecision(plain.NeedsMore ? 1 : 0, confidence, false);
        }
        if (double.IsNaN(model.Score) || model.Score is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(model), "A model's score is between 0 and 1.");
        var confident = model.Score >= confidenceBar;
        if (answers == 1 && confident && model.Agrees)
        {
            var combined = Combine(model.Score, workerSkill, labelCount);
            if (combined >= confidenceBar) return new RoutingDecision(0, combined, true);
        }
        var disagrees = answers == 1 && confident && !model.Agrees;
        var decision = DynamicOverlap.Decide(answers, confidence, confidenceBar, overlapCap, vouched && !disagrees);
        return new RoutingDecision(decision.NeedsMore ? decision.MostMore : 0, confidence, false);
    }

    /// <summary>
    /// The probability that a label is right when the model gives it with probability <paramref name="modelScore"/> and a
    /// worker of accuracy <paramref name="workerSkill"/> gave it too, the two erring independently and a wrong worker
    /// choosing among the other <paramref name="labelCount"/> − 1 labels alike:
    /// p·q / (p·q + (1 − p)(1 − q)/(K − 1)). A worker of unknown skill counts as chance (q = 1/K), which leaves the model's
    /// score as it is; skill is capped at <see cref="MaxSkill"/>.
    /// </summary>
    public static double Combine(double modelScore, double? workerSkill, int labelCount)
    {
        if (labelCount < 2) throw new ArgumentOutOfRangeException(nameof(labelCount), "A choice has at least two labels.");
        if (double.IsNaN(modelScore) || modelScore is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(modelScore));
        if (workerSkill is not { } q) return modelScore;
        if (double.IsNaN(q) || q is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(workerSkill));
        q = Math.Min(q, MaxSkill);
        var right = modelScore * q;
        var wrong = (1 - modelScore) * (1 - q) / (labelCount - 1);
        return right + wrong == 0 ? modelScore : right / (right + wrong);
    }
}
