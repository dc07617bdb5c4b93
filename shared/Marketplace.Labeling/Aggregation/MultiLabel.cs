namespace Marketplace.Labeling.Aggregation;

/// <summary>One worker's answer to a multi-label classification item: the labels they picked (at least one).</summary>
public readonly record struct MultiLabelAnswer(string ItemId, Guid WorkerId, IReadOnlyList<string> Labels);

/// <param name="Labels">The labels decided present, in label-set order.</param>
/// <param name="Present">Per label of the label set, the posterior probability that it applies.</param>
/// <param name="Confidence">The least certain of the per-label yes/no decisions: the item is only as sure as its weakest label.</param>
public sealed record MultiLabelItem(string ItemId, IReadOnlyList<string> Labels, IReadOnlyList<double> Present, double Confidence, int Answers);

/// <summary>
/// A multi-label answer is read as one yes/no question per label ("does this label apply?"): a worker who picked the
/// label said yes, one who answered the item without it said no. Each label is aggregated on its own with Dawid-Skene,
/// so a worker can be careful about one label and careless about another. A label applies when its posterior is
/// above one half (a tie is no); since an answer must pick at least one label, an item where no label passes keeps the
/// single most likely one.
/// </summary>
public static class MultiLabel
{
    public const string Yes = "yes";
    public const string No = "no";

    /// <summary>"no" first, so an even split on a question is decided as no.</summary>
    public static readonly IReadOnlyList<string> YesNo = [No, Yes];

    /// <summary>The yes/no answers to "does <paramref name="label"/> apply?", one per multi-label answer.</summary>
    public static IReadOnlyList<CategoricalAnswer> Question(IReadOnlyList<MultiLabelAnswer> answers, string label)
    {
        var result = new CategoricalAnswer[answers.Count];
        for (var a = 0; a < answers.Count; a++)
        {
            var answer = answers[a];
            result[a] = new CategoricalAnswer(answer.ItemId, answer.WorkerId, answer.Labels.Contains(label) ? Yes : No);
        }
        return result;
    }

    /// <param name="gold">Known label sets of some items, to anchor the workers' skill on every label.</param>
    public static IReadOnlyList<MultiLabelItem> Aggregate(
        IReadOnlyList<MultiLabelAnswer> answers, IReadOnlyList<string> labels,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? gold = null, DawidSkeneOptions? options = null)
    {
        var labelNumbers = AnswerIndex.LabelNumbers(labels);
        foreach (var answer in answers)
            foreach (var label in answer.Labels)
                if (!labelNumbers.ContainsKey(label))
                    throw new ArgumentException($"Item '{answer.ItemId}' has the answer '{label}', which is not in the label set.", nameof(answers));

        var perLabel = new IReadOnlyList<ItemLabel>[labels.Count];
        for (var k = 0; k < labels.Count; k++)
        {
            var label = labels[k];
            var goldAnswers = gold?.ToDictionary(g => g.Key, g => g.Value.Contains(label) ? Yes : No, StringComparer.Ordinal);
            perLabel[k] = DawidSkene.Aggregate(Question(answers, label), YesNo, goldAnswers, options).Items;
        }

        // Every question was asked of the same items in the same order of first answer, so row i is the same item in each.
        var items = new MultiLabelItem[perLabel.Length == 0 ? 0 : perLabel[0].Count];
        for (var i = 0; i < items.Length; i++)
        {
            var present = new double[labels.Count];
            var chosen = new List<string>();
            var confidence = 1.0;
            var likeliest = 0;
            for (var k = 0; k < labels.Count; k++)
            {
                var decision = perLabel[k][i];
                present[k] = decision.Label == Yes ? decision.Confidence : 1 - decision.Confidence;
                if (decision.Label == Yes) chosen.Add(labels[k]);
                confidence = Math.Min(confidence, decision.Confidence);
                if (present[k] > present[likeliest]) likeliest = k;
            }
            if (chosen.Count == 0) chosen.Add(labels[likeliest]);
            items[i] = new MultiLabelItem(perLabel[0][i].ItemId, chosen, present, confidence, perLabel[0][i].Answers);
        }
        return items;
    }
}
