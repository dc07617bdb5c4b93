using Marketplace.Modeling;

namespace Marketplace.Platform.Tests.Modeling;

public class HeldOutTests
{
    private static List<Example> Of(string label, int count, string prefix = "") =>
        Enumerable.Range(0, count).Select(i => new Example($"{prefix}{label}-{i}", label, Text: "x")).ToList();

    [Test]
    public void Too_few_examples_or_labels_are_not_enough_to_learn_from()
    {
        Assert.Throws<NotEnoughExamplesException>(() => HeldOut.Split([.. Of("a", 4), .. Of("b", 4)], TrainingRules.Default));
        Assert.Throws<NotEnoughExamplesException>(() => HeldOut.Split(Of("a", 30), TrainingRules.Default));
        // A label with two examples waits; the other two labels have enough.
        var (train, test) = HeldOut.Split([.. Of("a", 6), .. Of("b", 6), .. Of("c", 2)], TrainingRules.Default);
        Assert.That(train.Concat(test).Any(e => e.Label == "c"), Is.False);
        Assert.That(train.Count + test.Count, Is.EqualTo(12));
    }

    [Test]
    public void A_fifth_of_each_label_is_held_out_and_the_same_items_stay_held_out_as_the_order_grows()
    {
        var (train, test) = HeldOut.Split([.. Of("a", 20), .. Of("b", 10)], TrainingRules.Default);
        Assert.That((test.Count(e => e.Label == "a"), test.Count(e => e.Label == "b")), Is.EqualTo((4, 2)));
        Assert.That(train.Select(e => e.ItemId).Intersect(test.Select(e => e.ItemId)), Is.Empty);
        var (_, later) = HeldOut.Split([.. Of("a", 20), .. Of("b", 10), .. Of("a", 5, "late-")], TrainingRules.Default);
        Assert.That(later.Count(e => e.Label == "a"), Is.EqualTo(5));
        Assert.That(test.Count(t => later.Contains(t)), Is.GreaterThanOrEqualTo(4));
    }
}
