namespace Marketplace.Labeling;

public sealed record RubricCriterion(string Name, int Min, int Max);

/// <summary>
/// What a worker is asked to produce for each item of an order. Labels serve classification, boxes and spans;
/// MultiLabel lets a classification answer pick several labels; Criteria are the rubric's named scores.
/// </summary>
public sealed record TaskTemplate(string TaskType, IReadOnlyList<string> Labels, bool MultiLabel, IReadOnlyList<RubricCriterion> Criteria)
{
    public const int MaxLabels = 200;

    /// <summary>Problems with the template itself, by the request field they belong to (empty when it is sound).</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (!TaskTypes.All.Contains(TaskType))
        {
            problems.Add(("taskType", $"'Task Type' must be one of {string.Join(", ", TaskTypes.All)}."));
            return problems;
        }
        if (TaskTypes.IsClassification(TaskType) && Labels.Count < 2)
            problems.Add(("labels", "A classification needs at least 2 labels."));
        if (TaskType is TaskTypes.BoundingBoxes or TaskTypes.TextSpans && Labels.Count < 1)
            problems.Add(("labels", "Boxes and spans need at least 1 label (the classes to mark)."));
        if (!TaskTypes.UsesLabels(TaskType) && Labels.Count > 0)
            problems.Add(("labels", $"A {TaskType} order has no label set; leave 'Labels' empty."));
        if (Labels.Count > MaxLabels)
            problems.Add(("labels", $"At most {MaxLabels} labels."));
        if (Labels.Any(string.IsNullOrWhiteSpace) || Labels.Any(l => l.Length > 100))
            problems.Add(("labels", "Each label is 1 to 100 characters."));
        if (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count)
            problems.Add(("labels", "'Labels' must be distinct."));
        if (MultiLabel && !TaskTypes.IsClassification(TaskType))
            problems.Add(("multiLabel", "Only a classification can be multi-label."));
        if (TaskType == TaskTypes.RubricEvaluation)
        {
            if (Criteria.Count is < 1 or > 20) problems.Add(("criteria", "A rubric needs 1 to 20 criteria."));
            if (Criteria.Any(c => string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 100))
                problems.Add(("criteria", "Each criterion has a name of 1 to 100 characters."));
            if (Criteria.Any(c => c.Min >= c.Max || c.Min < -100 || c.Max > 100))
                problems.Add(("criteria", "Each criterion's scale runs from a 'min' below its 'max', within -100..100."));
            if (Criteria.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != Criteria.Count)
                problems.Add(("criteria", "Criteria names must be distinct."));
        }
        else if (Criteria.Count > 0)
        {
            problems.Add(("criteria", "Only a rubric evaluation has criteria."));
        }
        return problems;
    }
}
