namespace Marketplace.Labeling.Aggregation;

/// <summary>
/// Each item takes the label most of its answers chose; confidence is that label's share of the votes. A tie goes to
/// the label that comes first in the order's label set, so the same answers always give the same label.
/// </summary>
public static class MajorityVote
{
    /// <returns>One label per item that has answers, in order of the item's first answer.</returns>
    public static IReadOnlyList<ItemLabel> Aggregate(IReadOnlyList<CategoricalAnswer> answers, IReadOnlyList<string> labels)
    {
        var index = AnswerIndex.Build(answers, labels);
        var votes = new int[index.LabelCount];
        var result = new ItemLabel[index.Items.Length];
        for (var i = 0; i < index.Items.Length; i++)
        {
            Array.Clear(votes);
            for (var a = index.ItemStart[i]; a < index.ItemStart[i + 1]; a++) votes[index.Label[a]]++;
            var winner = 0;
            for (var k = 1; k < votes.Length; k++)
                if (votes[k] > votes[winner]) winner = k;
            var total = index.AnswerCount(i);
            result[i] = new ItemLabel(index.Items[i], labels[winner], (double)votes[winner] / total, total, votes.Select(v => (double)v / total).ToArray());
        }
        return result;
    }
}
