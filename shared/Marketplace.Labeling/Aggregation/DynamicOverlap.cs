namespace Marketplace.Labeling.Aggregation;

/// <param name="NeedsMore">Whether to ask for one more answer now (then aggregate again and ask again).</param>
/// <param name="MostMore">How many more answers the item may still get under the cap; 0 once it needs no more.</param>
public sealed record OverlapDecision(bool NeedsMore, int MostMore);

/// <summary>
/// Dynamic overlap: an item whose aggregated confidence is below the order's bar gets one more answer, until it
/// reaches the bar or the overlap cap. One at a time, because each new answer may settle the item, and asking for
/// several at once would pay for answers that turn out not to be needed.
/// Feed it a posterior (Dawid-Skene, Bradley-Terry) rather than a vote share: one answer is a 100% vote share, so with
/// majority vote an item would never get a second answer.
/// One answer alone never passes the bar unless something besides the answer vouches for it (the worker measured on
/// gold items, later a model that agrees): otherwise a crowd whose spammers always give the commonest label would have
/// every item settled after one answer, sure of itself and wrong on every rarer item.
/// </summary>
public static class DynamicOverlap
{
    /// <summary>Answers an item needs before its confidence can settle it, unless vouched for.</summary>
    public const int AnswersToSettleAlone = 2;

    /// <param name="confidence">The item's confidence, or null when none can be claimed (it then needs more answers).</param>
    /// <param name="vouched">Whether gold or a model vouches for a lone answer.</param>
    public static OverlapDecision Decide(int answers, double? confidence, double confidenceBar, int overlapCap, bool vouched = false)
    {
        if (answers < 0) throw new ArgumentOutOfRangeException(nameof(answers), "An item cannot have fewer than 0 answers.");
        if (overlapCap < 1) throw new ArgumentOutOfRangeException(nameof(overlapCap), "The overlap cap is at least 1.");
        if (confidence is { } c && (double.IsNaN(c) || c is < 0 or > 1)) throw new ArgumentOutOfRangeException(nameof(confidence), "Confidence is between 0 and 1.");
        if (double.IsNaN(confidenceBar) || confidenceBar is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(confidenceBar), "The confidence bar is between 0 and 1.");

        // An item with no answers has no label at all, whatever confidence the caller passes.
        var settled = answers > 0 && confidence >= confidenceBar && (answers >= AnswersToSettleAlone || vouched);
        var room = Math.Max(0, overlapCap - answers);
        return settled || room == 0 ? new OverlapDecision(false, 0) : new OverlapDecision(true, room);
    }
}
