using Marketplace.Modeling;

namespace Marketplace.Platform.Tests.Modeling;

public class CalibrationTests
{
    [Test]
    public void The_map_is_monotone_and_never_claims_certainty_from_a_handful()
    {
        var heldOut = new (double, bool)[] { (0.55, false), (0.6, true), (0.65, false), (0.8, true), (0.9, true), (0.95, true) };
        var map = Calibration.Fit(heldOut);
        Assert.That(map.Value, Is.Ordered);
        Assert.That(map.Value.All(v => v is > 0 and < 1), Is.True);
        // The three highest pool (smoothed, one right of one scores 2/3 each, below the pool before them): 3 of 3, (3 + 1) / (3 + 2).
        Assert.That(map.Apply(0.99), Is.EqualTo(4.0 / 5).Within(1e-9));
        Assert.That(map.Apply(0.6), Is.EqualTo(2.0 / 4).Within(1e-9));
        Assert.That(map.Apply(0.1), Is.LessThan(map.Apply(0.99)));
    }

    [Test]
    public void An_overconfident_classifier_is_brought_down_to_how_often_it_is_right()
    {
        // Says 0.99 every time and is right 70% of the time.
        var heldOut = Enumerable.Range(0, 100).Select(i => (0.99, i / 2 % 10 < 7)).ToList();
        var map = Calibration.Fit(heldOut);
        Assert.That(map.Apply(0.99), Is.EqualTo(71.0 / 102).Within(1e-9));
        Assert.That(Calibration.ExpectedError(heldOut.Select(p => (p.Item1, p.Item2)).ToList()), Is.EqualTo(0.29).Within(1e-9));
        Assert.That(Calibration.CrossFittedError(heldOut), Is.LessThan(0.15), "measured on halves the map never saw, far below the 0.29 before");
    }

    [Test]
    public void A_classifier_that_is_always_right_is_not_taken_down_by_the_crowds_mistakes_in_its_held_out_labels()
    {
        // Two labels, held-out labels settled at 95% and wrong 10 times in 200: the classifier agrees with 190.
        var heldOut = Enumerable.Range(0, 200).Select(i => new HeldOutPoint(0.99, i % 20 != 0, 0.95)).ToList();
        Assert.That(Calibration.Fit(heldOut.Select(p => (p.Raw, p.Agrees))).Apply(0.99), Is.EqualTo(191.0 / 202).Within(1e-9),
            "taken as exact, the labels' mistakes are the classifier's: below a bar of 0.95");
        // (190 agreements - 200 × 0.05 by chance + 1) / (200 × 0.9 + 2).
        Assert.That(Calibration.Fit(heldOut, 2).Apply(0.99), Is.EqualTo(181.0 / 182).Within(1e-9));
    }

    [TestCase(2, 0.95, 0.80)]
    [TestCase(2, 0.90, 0.95)]
    [TestCase(10, 0.95, 0.70)]
    public void Agreement_with_labels_that_are_sometimes_wrong_estimates_how_often_the_classifier_is_right(int labels, double certainty, double right)
    {
        // A classifier right with probability `right`, labels right with `certainty`, both erring among the other labels alike.
        var rng = new Random(7);
        var heldOut = Enumerable.Range(0, 20_000).Select(_ =>
        {
            var classifierRight = rng.NextDouble() < right;
            var labelRight = rng.NextDouble() < certainty;
            var agrees = classifierRight && labelRight || !classifierRight && !labelRight && rng.Next(labels - 1) == 0;
            return new HeldOutPoint(0.9, agrees, certainty);
        }).ToList();
        Assert.That(Calibration.Fit(heldOut, labels).Apply(0.9), Is.EqualTo(right).Within(0.01));
        Assert.That(Calibration.Fit(heldOut.Select(p => (p.Raw, p.Agrees))).Apply(0.9), Is.LessThan(right - 0.01),
            "taken as exact, the labels' mistakes lower it");
        Assert.That(Calibration.ExpectedError(heldOut.Select(p => p with { Raw = right }).ToList(), labels), Is.LessThan(0.01),
            "a confidence of exactly how often it is right predicts the agreement seen");
    }

    [Test]
    public void Labels_no_better_than_chance_claim_nothing_either_way()
    {
        var heldOut = Enumerable.Range(0, 100).Select(i => new HeldOutPoint(0.99, i % 2 == 0, 0.5)).ToList();
        Assert.That(Calibration.Fit(heldOut, 2).Apply(0.99), Is.InRange(1.0 / 102, 101.0 / 102));
        Assert.That(Calibration.Fit(heldOut, 2).Value.All(v => v is > 0 and < 1), Is.True);
    }

    [Test]
    public void Nothing_held_out_means_nothing_is_known() =>
        Assert.That(Calibration.Fit([]).Apply(0.97), Is.EqualTo(0.5));

    [Test]
    public void A_perfectly_calibrated_set_has_no_calibration_error() =>
        Assert.That(Calibration.ExpectedError([(0.75, true), (0.75, true), (0.75, true), (0.75, false)]), Is.EqualTo(0).Within(1e-12));
}
