using Marketplace.Labeling;

namespace Marketplace.Platform.Tests.Rules;

public class GoldVerdictTests
{
    [TestCase(3, 0, 0.7, true)]
    [TestCase(3, 1, 0.7, false)]
    [TestCase(3, 2, 0.7, false, Description = "the raw share (67%) is below 70%, but an honest 70% worker does this 66% of the time")]
    [TestCase(3, 1, 0.8, true)]
    [TestCase(3, 2, 0.8, false)]
    [TestCase(10, 4, 0.7, true)]
    [TestCase(10, 6, 0.7, false)]
    [TestCase(20, 11, 0.8, true)]
    [TestCase(200, 125, 0.7, true, Description = "62.5% over many answers is clearly below 70%")]
    [TestCase(200, 138, 0.7, false)]
    public void A_record_is_below_the_requirement_only_when_a_worker_as_good_as_required_would_rarely_do_as_badly(int answered, int right, double required, bool below) =>
        Assert.That(GoldVerdict.Below(answered, right, (decimal)required, minimumAnswers: 3), Is.EqualTo(below),
            $"P(below) = {GoldVerdict.ChanceOfBelow(answered, right, required):F4}");

    [Test]
    public void Too_few_answers_or_no_requirement_judge_nobody()
    {
        Assert.That(GoldVerdict.Below(2, 0, 0.9m, minimumAnswers: 3), Is.False);
        Assert.That(GoldVerdict.Below(10, 0, 0m, minimumAnswers: 3), Is.False);
        Assert.That(GoldVerdict.Below(3, 2, 1m, minimumAnswers: 3), Is.True, "perfection required: one wrong answer falls short");
        Assert.That(GoldVerdict.Below(3, 3, 1m, minimumAnswers: 3), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => GoldVerdict.Below(3, 4, 0.7m, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GoldVerdict.Below(3, 1, 1.5m, 3));
    }

    [Test]
    public void Honest_workers_are_rarely_judged_below_and_random_ones_soon_are()
    {
        // Each simulated worker answers 30 gold questions and is judged after every one from the third (as the service does).
        var rng = new Random(7);
        double Suspended(double accuracy) => Enumerable.Range(0, 2000).Count(_ =>
        {
            var right = 0;
            for (var n = 1; n <= 30; n++)
            {
                if (rng.NextDouble() < accuracy) right++;
                if (GoldVerdict.Below(n, right, 0.7m, 3)) return true;
            }
            return false;
        }) / 2000.0;
        Assert.Multiple(() =>
        {
            Assert.That(Suspended(0.85), Is.LessThan(0.05), "an honest worker right 85% of the time");
            Assert.That(Suspended(0.1), Is.GreaterThan(0.99), "a random answerer among ten labels");
            Assert.That(Suspended(0.5), Is.GreaterThan(0.6), "a random answerer between two labels, within 30 gold answers");
        });
    }
}
