using Marketplace.Labeling;

namespace Marketplace.Platform.Tests.Rules;

public class DataGradeTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    [TestCase("general", "general", true)]
    [TestCase("important", "general", true)]
    [TestCase("core", "important", true)]
    [TestCase("core", "core", true)]
    [TestCase("general", "important", false)]
    [TestCase("important", "core", false)]
    public void A_grade_covers_itself_and_the_grades_below(string certified, string data, bool covers) =>
        Assert.That(DataGrades.Covers(certified, data), Is.EqualTo(covers));

    [Test]
    public void General_data_needs_no_certification() =>
        Assert.That(DataGrades.HandledBy([], Today), Is.EqualTo(new[] { "general" }));

    [Test]
    public void The_highest_valid_certification_decides() =>
        Assert.That(DataGrades.HandledBy([("important", Today.AddDays(1)), ("general", Today)], Today),
            Is.EqualTo(new[] { "general", "important" }));

    [Test]
    public void An_expired_certification_covers_nothing_but_it_counts_through_its_last_day()
    {
        Assert.That(DataGrades.MayHandle([("core", Today.AddDays(-1))], Today, "important"), Is.False);
        Assert.That(DataGrades.MayHandle([("core", Today)], Today, "core"), Is.True);
    }

    [Test]
    public void An_unknown_grade_is_refused()
    {
        Assert.That(DataGrades.IsKnown("secret"), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataGrades.Rank("secret"));
        Assert.That(DataGrades.HandledBy([("secret", Today.AddDays(9))], Today), Is.EqualTo(new[] { "general" }));
    }
}
