using Marketplace.Modeling;

namespace Marketplace.Platform.Tests.Modeling;

public class AdoptionTests
{
    [TestCase(0, 0, false)]
    [TestCase(3, 0, false)]
    [TestCase(0, 2, false)]  // two items on a few dozen held out: chance
    [TestCase(0, 4, false)]
    [TestCase(0, 5, true)]   // (5 - 1) / √5 = 1.79 > 1.645
    [TestCase(10, 20, false)] // (20 - 10 - 1) / √30 = 1.643: just inside chance
    [TestCase(10, 21, true)]
    [TestCase(20, 10, false)]
    public void A_new_version_is_refused_only_when_worse_beyond_chance(int onlyCandidate, int onlyCurrent, bool worse)
    {
        Assert.That(Adoption.SignificantlyWorse(onlyCandidate, onlyCurrent), Is.EqualTo(worse));
    }

    [Test]
    public void Negative_counts_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Adoption.SignificantlyWorse(-1, 0));
}
