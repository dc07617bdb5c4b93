namespace Marketplace.Modeling;

/// <summary>What comparing a new version with the current one on the same held-out items found.</summary>
/// <param name="CandidateAccuracy">The new version's share right there.</param>
/// <param name="CurrentAccuracy">The current version's share right there.</param>
/// <param name="Adopt">Whether the new version replaces the current one.</param>
public sealed record VersionComparison(int Items, double CandidateAccuracy, double CurrentAccuracy, bool Adopt);

/// <summary>
/// Whether a newly trained version replaces the current one. Both are scored on the new version's held-out items, which
/// neither trained on (held-out membership is the item's own, <see cref="HeldOut"/>); the new version, trained on more
/// labels, is adopted unless it is worse there beyond chance: McNemar's test on the items exactly one of them gets right,
/// one-sided at 5% (with continuity correction). "At least as accurate" on a few dozen held-out items would keep an
/// early version that was lucky on them and throw away every better one after it.
/// </summary>
public static class Adoption
{
    private const double OneSidedFivePercent = 1.645;

    public static VersionComparison Compare(Classifier candidate, Classifier? current, IReadOnlyList<Example> heldOut)
    {
        if (heldOut.Count == 0) return new VersionComparison(0, double.NaN, double.NaN, true);
        var truth = heldOut.ToDictionary(e => e.ItemId, e => e.Label, StringComparer.Ordinal);
        var items = heldOut.Select(e => new Unlabeled(e.ItemId, e.Text, e.Features)).ToList();
        var mine = candidate.Predict(items).ToDictionary(p => p.ItemId, p => p.Label == truth[p.ItemId], StringComparer.Ordinal);
        if (current is null) return new VersionComparison(heldOut.Count, mine.Values.Count(r => r) / (double)heldOut.Count, double.NaN, true);
        var theirs = current.Predict(items).ToDictionary(p => p.ItemId, p => p.Label == truth[p.ItemId], StringComparer.Ordinal);
        var onlyMine = truth.Keys.Count(id => mine[id] && !theirs[id]);
        var onlyTheirs = truth.Keys.Count(id => theirs[id] && !mine[id]);
        return new VersionComparison(heldOut.Count, mine.Values.Count(r => r) / (double)heldOut.Count,
            theirs.Values.Count(r => r) / (double)heldOut.Count, !SignificantlyWorse(onlyMine, onlyTheirs));
    }

    /// <summary>McNemar, one-sided: the candidate alone right on <paramref name="onlyCandidate"/> items, the current alone on
    /// <paramref name="onlyCurrent"/>; worse when the difference is beyond what chance gives at 5%.</summary>
    public static bool SignificantlyWorse(int onlyCandidate, int onlyCurrent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyCandidate);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyCurrent);
        var discordant = onlyCandidate + onlyCurrent;
        if (onlyCurrent <= onlyCandidate) return false;
        return (onlyCurrent - onlyCandidate - 1) / Math.Sqrt(discordant) > OneSidedFivePercent;
    }
}
