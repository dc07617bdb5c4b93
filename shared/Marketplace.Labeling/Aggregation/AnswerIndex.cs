namespace Marketplace.Labeling.Aggregation;

/// <summary>
/// Answers with their items, workers and labels turned into small ints and grouped by item (compressed rows), so the
/// aggregation loops touch flat arrays only. Items and workers are numbered in order of first appearance.
/// </summary>
internal sealed class AnswerIndex
{
    public required string[] Items { get; init; }
    public required Guid[] Workers { get; init; }
    public required int LabelCount { get; init; }

    /// <summary>Item i's answers are positions ItemStart[i] to ItemStart[i + 1] - 1 of Worker and Label.</summary>
    public required int[] ItemStart { get; init; }
    public required int[] Worker { get; init; }
    public required int[] Label { get; init; }
    public required int[] WorkerAnswers { get; init; }

    public int AnswerCount(int item) => ItemStart[item + 1] - ItemStart[item];

    public static Dictionary<string, int> LabelNumbers(IReadOnlyList<string> labels)
    {
        if (labels.Count == 0) throw new ArgumentException("The label set is empty.", nameof(labels));
        var numbers = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
        for (var k = 0; k < labels.Count; k++)
            if (!numbers.TryAdd(labels[k], k)) throw new ArgumentException($"The label '{labels[k]}' appears twice in the label set.", nameof(labels));
        return numbers;
    }

    public static AnswerIndex Build(IReadOnlyList<CategoricalAnswer> answers, IReadOnlyList<string> labels)
    {
        var labelNumbers = LabelNumbers(labels);
        var n = answers.Count;
        var itemNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var workerNumbers = new Dictionary<Guid, int>();
        var items = new List<string>();
        var workers = new List<Guid>();
        var itemOf = new int[n];
        var workerOf = new int[n];
        var labelOf = new int[n];
        var perItem = new List<int>();
        for (var a = 0; a < n; a++)
        {
            var answer = answers[a];
            if (!labelNumbers.TryGetValue(answer.Label, out labelOf[a]))
                throw new ArgumentException($"Item '{answer.ItemId}' has the answer '{answer.Label}', which is not in the label set.", nameof(answers));
            if (!itemNumbers.TryGetValue(answer.ItemId, out var item))
            {
                item = items.Count;
                itemNumbers.Add(answer.ItemId, item);
                items.Add(answer.ItemId);
                perItem.Add(0);
            }
            if (!workerNumbers.TryGetValue(answer.WorkerId, out var worker))
            {
                worker = workers.Count;
                workerNumbers.Add(answer.WorkerId, worker);
                workers.Add(answer.WorkerId);
            }
            itemOf[a] = item;
            workerOf[a] = worker;
            perItem[item]++;
        }

        var start = new int[items.Count + 1];
        for (var i = 0; i < items.Count; i++) start[i + 1] = start[i] + perItem[i];
        var next = start[..^1];
        var groupedWorker = new int[n];
        var groupedLabel = new int[n];
        var workerAnswers = new int[workers.Count];
        for (var a = 0; a < n; a++)
        {
            var at = next[itemOf[a]]++;
            groupedWorker[at] = workerOf[a];
            groupedLabel[at] = labelOf[a];
            workerAnswers[workerOf[a]]++;
        }
        return new AnswerIndex
        {
            Items = [.. items], Workers = [.. workers], LabelCount = labels.Count,
            ItemStart = start, Worker = groupedWorker, Label = groupedLabel, WorkerAnswers = workerAnswers,
        };
    }
}
