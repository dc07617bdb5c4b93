using Marketplace.Tasks.Domain;

namespace Marketplace.Platform.Tests.Rules;

public class IdentityNumberTests
{
    private static readonly DateOnly Today = new(2026, 6, 1);

    [TestCase("11010519491231002X", TestName = "The standard's example with an X check character is well formed")]
    [TestCase("440524198001010013", TestName = "A number with a digit check character is well formed")]
    public void A_well_formed_number_passes(string number) => Assert.That(IdentityNumber.Check(number, Today), Is.Null);

    [TestCase("110105194912310021", TestName = "A wrong check character is refused")]
    [TestCase("11010519491231002", TestName = "Seventeen characters are refused")]
    [TestCase("1101051949123100Y2", TestName = "A letter inside is refused")]
    [TestCase("110105194913310023", TestName = "A thirteenth month is refused")]
    [TestCase("110105203001010016", TestName = "A birth date in the future is refused")]
    [TestCase("440524188001010014", TestName = "A birth year before 1900 is refused")]
    public void A_malformed_number_is_refused(string number) => Assert.That(IdentityNumber.Check(number, Today), Is.Not.Null);

    [Test]
    public void A_lower_case_x_is_read_as_X() =>
        Assert.That(IdentityNumber.Check(IdentityNumber.Normalise(" 11010519491231002x "), Today), Is.Null);

    [Test]
    public void A_masked_number_shows_only_the_first_three_and_last_four_characters() =>
        Assert.That(IdentityNumber.Mask("11010519491231002X"), Is.EqualTo("110***********002X"));

    [Test]
    public void The_hash_depends_on_the_key()
    {
        var a = IdentityNumber.Hash("11010519491231002X", [1, 2, 3]);
        Assert.That(IdentityNumber.Hash("11010519491231002X", [1, 2, 3]), Is.EqualTo(a));
        Assert.That(IdentityNumber.Hash("11010519491231002X", [1, 2, 4]), Is.Not.EqualTo(a));
    }
}

public class ClearanceAndLevelTests
{
    [TestCase("general", false, 1)]
    [TestCase("general", true, 2)]
    [TestCase("important", false, 2)]
    [TestCase("core", false, 3)]
    public void The_clearance_an_order_needs(string grade, bool personalInformation, int rank) =>
        Assert.That(Clearance.Required(grade, personalInformation), Is.EqualTo(rank));

    [Test]
    public void No_clearance_reaches_core_data() => Assert.That(Clearance.Rank(Clearance.Important), Is.LessThan(Clearance.Required("core", false)));

    [TestCase(0, 0, "none", 1)]
    [TestCase(5000, 5, "none", 1)]
    [TestCase(19, 0, "general", 1)]
    [TestCase(20, 0, "general", 2)]
    [TestCase(0, 1, "general", 2)]
    [TestCase(200, 0, "general", 2)]
    [TestCase(200, 1, "general", 3)]
    [TestCase(1000, 2, "general", 4)]
    [TestCase(5000, 3, "general", 4)]
    [TestCase(5000, 3, "important", 5)]
    public void Levels_need_approved_work_qualifications_and_clearance(long approved, int qualifications, string clearance, int level) =>
        Assert.That(WorkerLevel.Of(approved, qualifications, clearance), Is.EqualTo(level));
}
