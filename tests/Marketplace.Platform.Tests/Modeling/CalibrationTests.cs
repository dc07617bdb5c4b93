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
    public void Nothing_held_out_means_nothing_is_known() =>
        Assert.That(Calibration.Fit([]).Apply(0.97), Is.EqualTo(0.5));

    [Test]
    public void A_perfectly_calibrated_set_has_no_calibration_error() =>
        Assert.That(Calibration.ExpectedError([(0.75, true), (0.75, true), (0.75, true), (0.75, false)]), Is.EqualTo(0).Within(1e-12));
}
