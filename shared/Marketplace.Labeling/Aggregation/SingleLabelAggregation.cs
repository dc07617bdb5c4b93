namespace Marketplace.Labeling.Aggregation;

/// <param name="Confidence">Null when the answers cannot support one: a lone answer from a worker nothing was learnt about.</param>
/// <param name="Vouched">A lone answer whose worker is measured on at least the required number of gold items.</param>
/// <param name="Posterior">Each label's probability from the answers, in label-set order, when a confidence is claimed.</param>
public sealed record SingleLabelDecision(string ItemId, string Label, double? Confidence, string Method, int Answers, bool Vouched,
    IReadOnlyList<double>? Posterior = null);

/// <param name="Skill">Each worker's balanced accuracy, when Dawid-Skene learnt it; null under majority vote.</param>
public sealed record SingleLabelResult(IReadOnlyList<SingleLabelDecision> Items, IReadOnlyDictionary<Guid, double>? Skill);

/// <summary>
/// A single-label classification order's labels: Dawid-Skene where it can learn the workers (enough answers, on average
/// three per worker, and at least one item answered by two workers or a gold item), majority vote otherwise.
/// A lone answer reports a confidence only when its worker's skill was learnt from other items (and is vouched for only
/// when that skill rests on gold); majority vote reports none for it, since one vote is always 100% of the votes.
/// </summary>
public static class SingleLabelAggregation
{
    /// <summary>Dawid-Skene needs each worker seen on several items to estimate their skill; below this, majority vote.</summary>
    public const double MinimumAnswersPerWorker = 3;

    /// <param name="answers">Every approved answer, gold items' included.</param>
    /// <param name="gold">The known labels of the gold items.</param>
    /// <param name="minimumAnswers">Fewer answers than this in all: majority vote.</param>
    /// <param name="goldToVouch">Gold answers a worker needs before a lone answer of theirs can settle an item.</param>
    /// <param name="model">The items a model routed, its label and score for each (see <see cref="DawidSkene"/>); used between
    /// two labels.</param>
    public static SingleLabelResult Aggregate(IReadOnlyList<CategoricalAnswer> answers, IReadOnlyList<string> labels,
        IReadOnlyDictionary<string, string> gold, int minimumAnswers, int goldToVouch, IReadOnlyDictionary<string, ModelWitness>? model = null)
    {
        var workers = answers.Select(a => a.WorkerId).Distinct().Count();
        var shared = gold.Count > 0 || answers.GroupBy(a => a.ItemId).Any(g => g.Select(a => a.WorkerId).Distinct().Skip(1).Any());
        if (shared && answers.Count >= minimumAnswers && answers.Count >= MinimumAnswersPerWorker * workers)
        {
            // The model witnesses between two labels only: leaving the routed items' first answers out halves what the
            // workers are learnt from, and among ten labels (a pseudo-count in each of a worker's hundred confusion cells)
            // what is left no longer outweighs the smoothing: on MNIST every honest worker read 0.44 and the labels fell
            // from 99.3% to 85.7% right (bench/labeling.sh).
            var fitted = DawidSkene.Aggregate(answers, labels, gold, model: labels.Count == 2 ? model : null);
            var skills = fitted.Workers.ToDictionary(w => w.WorkerId);
            var loneWorker = answers.GroupBy(a => a.ItemId).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.First().WorkerId, StringComparer.Ordinal);
            var items = fitted.Items.Select(item =>
            {
                if (!loneWorker.TryGetValue(item.ItemId, out var worker) || gold.ContainsKey(item.ItemId))
                    return new SingleLabelDecision(item.ItemId, item.Label, item.Confidence, AggregationMethods.DawidSkene, item.Answers, false, item.Posterior);
                var skill = skills[worker];
                return new SingleLabelDecision(item.ItemId, item.Label, skill.Evidence > 0 ? item.Confidence : null, AggregationMethods.DawidSkene,
                    item.Answers, skill.GoldAnswers >= goldToVouch, skill.Evidence > 0 ? item.Posterior : null);
            }).ToList();
            return new SingleLabelResult(items, fitted.Workers.ToDictionary(w => w.WorkerId, w => w.Accuracy));
        }
        return new SingleLabelResult(MajorityVote.Aggregate(answers, labels).Select(item => new SingleLabelDecision(item.ItemId, item.Label,
            item.Answers > 1 ? item.Confidence : null, AggregationMethods.MajorityVote, item.Answers, false, item.Answers > 1 ? item.Posterior : null)).ToList(), null);
    }
}
