using System.Text.Json;

namespace Marketplace.Labeling.Prelabels;

/// <summary>
/// Planted gold suggestions (issue 15 item 3): in an order a model assists, a share of the gold slots carry a
/// deliberately wrong suggestion, so a worker who copies suggestions answers them wrong and gold catches them. The rest
/// of the gold slots carry an ordinary suggestion, so gold looks like everything else. Planted only for classification
/// (one label or a set): for boxes, spans and text a "plausible wrong" answer is a judgement call the platform does
/// not make.
/// </summary>
public static class PlantedSuggestion
{
    /// <summary>How many of an order's gold slots carry a planted suggestion: a third, at least one.</summary>
    public static int Count(int goldSlots) => goldSlots <= 0 ? 0 : Math.Max(1, (goldSlots + 2) / 3);

    public static bool CanPlant(TaskTemplate template) => TaskTypes.IsClassification(template.TaskType) && template.Labels.Count >= 2;

    /// <summary>A stable choice among <paramref name="count"/> for a slot (the same slot always gets the same).</summary>
    public static int Pick(Guid slotId, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        Span<byte> bytes = stackalloc byte[16];
        slotId.TryWriteBytes(bytes);
        var hash = 2166136261u; // FNV-1a
        foreach (var b in bytes) hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)count);
    }

    /// <summary>
    /// A wrong answer for a gold item: another label than the gold one; for a label set, the gold set with one label
    /// added or taken away (never leaving it empty). Which one is a stable choice by the slot.
    /// </summary>
    public static string WrongLabelJson(TaskTemplate template, JsonElement gold, Guid slotId)
    {
        if (!CanPlant(template)) throw new InvalidOperationException($"No planted suggestions for {template.TaskType}.");
        if (!template.MultiLabel)
        {
            var others = template.Labels.Where(l => l != gold.GetString()).ToList();
            return JsonSerializer.Serialize(others[Pick(slotId, others.Count)]);
        }
        var set = gold.EnumerateArray().Select(e => e.GetString()!).ToList();
        var toggled = template.Labels[Pick(slotId, template.Labels.Count)];
        if (!set.Remove(toggled)) set.Add(toggled);
        else if (set.Count == 0) // never an empty set: the only label taken away, another given instead
        {
            var others = template.Labels.Where(l => l != toggled).ToList();
            set.Add(others[Pick(slotId, others.Count)]);
        }
        return JsonSerializer.Serialize(template.Labels.Where(set.Contains).ToList());
    }
}
