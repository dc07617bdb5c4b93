using Marketplace.Modeling;

namespace Marketplace.Platform.Tests.Modeling;

public class HeldOutTests
{
    private static List<Example> Of(string label, int count, string prefix = "", bool known = false) =>
        Enumerable.Range(0, count).Select(i => new Example($"{prefix}{label}-{i}", label, Text: "x", Known: known)).ToList();

    [Test]
    public void Too_few_examples_or_labels_are_not_enough_to_learn_from()
    {
        Assert.Throws<NotEnoughExamplesException>(() => HeldOut.Split([.. Of("a", 4), .. Of("b", 4)], TrainingRules.Default));
        Assert.Throws<NotEnoughExamplesException>(() => HeldOut.Split(Of("a", 30), TrainingRules.Default));
        // A label with two examples waits; the other two labels have enough.
        var (train, test) = HeldOut.Split([.. Of("a", 6), .. Of("b", 6), .. Of("c", 2)], TrainingRules.Default);
        Assert.That(train.Concat(test).Any(e => e.Label == "c"), Is.False);
        Assert.That(train.Count + test.Count, Is.EqualTo(12));
        // Provisional labels never make up for missing accepted ones.
        Assert.Throws<NotEnoughExamplesException>(() => HeldOut.Split(
            [.. Of("a", 6), .. Of("b", 2), .. Of("b", 20, "p-").Select(e => e with { Provisional = true, Weight = 0.5f })], TrainingRules.Default));
    }

    [TestCase(0, 0.1)]
    [TestCase(150, 0.1)]
    [TestCase(2_000, 0.1)]
    [TestCase(4_000, 0.05)]
    [TestCase(6_046, 0.03308)]
    [TestCase(10_000, 0.02)]
    [TestCase(1_000_000, 0.02)]
    public void The_audit_aims_at_200_items_between_a_fiftieth_and_a_tenth_of_the_order(int items, double share)
    {
        Assert.That(HeldOut.ShareFor(items), Is.EqualTo(share));
        // About 200 items held out wherever the share is not at a bound, counted by the items' own hashes.
        if (items is > 2_000 and < 10_000)
        {
            var held = Enumerable.Range(0, items).Count(i => HeldOut.IsHeldOut($"item-{i}", HeldOut.ShareFor(items)));
            Assert.That(held, Is.InRange(160, 240));
        }
    }

    [Test]
    public void An_item_held_out_once_stays_held_out_and_each_label_keeps_one()
    {
        var rules = TrainingRules.Default;
        var (train, test) = HeldOut.Split([.. Of("a", 400), .. Of("b", 100)], rules);
        Assert.That(train.Select(e => e.ItemId).Intersect(test.Select(e => e.ItemId)), Is.Empty);
        Assert.That(test.All(e => HeldOut.IsHeldOut(e.ItemId, rules.HeldOutShare)), Is.True, "held out by the item's own hash");
        Assert.That(test.Count, Is.InRange(25, 75), "about a tenth of 500");
        // The order grows: every item held out before is held out still, and none of them was trained on meanwhile.
        var (laterTrain, later) = HeldOut.Split([.. Of("a", 400), .. Of("b", 100), .. Of("a", 300, "late-")], rules);
        Assert.That(test.Select(e => e.ItemId), Is.SubsetOf(later.Select(e => e.ItemId)));
        Assert.That(laterTrain.Select(e => e.ItemId).Intersect(test.Select(e => e.ItemId)), Is.Empty);
        // A label too small to have an item in the held-out range still keeps one held out, and two to train on.
        var (smallTrain, small) = HeldOut.Split([.. Of("a", 40), .. Of("b", 3)], rules);
        Assert.That((small.Count(e => e.Label == "b"), smallTrain.Count(e => e.Label == "b")), Is.EqualTo((1, 2)));
    }

    [Test]
    public void Known_labels_are_held_out_at_their_larger_share_and_provisional_ones_only_train()
    {
        var rules = TrainingRules.Default;
        var known = Of("a", 100, "gold-", known: true).Concat(Of("b", 100, "gold-", known: true)).ToList();
        var provisional = Of("a", 200, "p-").Concat(Of("b", 200, "p-")).Select(e => e with { Provisional = true, Weight = 0.4f }).ToList();
        var (train, test) = HeldOut.Split([.. known, .. provisional, .. Of("c", 2, "p-").Select(e => e with { Provisional = true })], rules);
        Assert.That(test.All(e => e.Known), Is.True, "provisional labels never measure the model");
        Assert.That(test.Count, Is.InRange(70, 130), "about half of 200 gold labels");
        Assert.That(train.Count(e => e.Provisional), Is.InRange(330, 380), "the provisional ones outside the held-out range");
        Assert.That(train.Any(e => e.Provisional && HeldOut.IsHeldOut(e.ItemId, rules.HeldOutShare)), Is.False);
        Assert.That(train.Any(e => e.Label == "c"), Is.False, "a label no accepted example has is not learnt from provisional ones");
    }
}
