using System.Text.Json;
using Marketplace.Labeling;

namespace Marketplace.Platform.Tests.Rules;

public class GoldMixTests
{
    [TestCase(100, "0", 0)]
    [TestCase(100, "0.1", 12)]
    [TestCase(90, "0.1", 10)]
    [TestCase(3, "0.25", 1)]
    [TestCase(12, "0.5", 12)]
    [TestCase(0, "0.2", 0)]
    public void Gold_slots_make_up_the_share_of_all_slots(long regular, string share, long expected)
    {
        var s = decimal.Parse(share, System.Globalization.CultureInfo.InvariantCulture);
        var gold = GoldMix.Slots(regular, s);
        Assert.That(gold, Is.EqualTo(expected));
        if (gold > 0) Assert.That((decimal)gold / (gold + regular), Is.GreaterThanOrEqualTo(s).And.LessThan(s + 1m / (regular + gold) + 0.0001m));
    }

    [Test]
    public void A_share_above_half_is_refused() =>
        Assert.That(() => GoldMix.Slots(10, 0.6m), Throws.TypeOf<ArgumentOutOfRangeException>());

    private static readonly TaskTemplate Sentiment = new(TaskTypes.TextClassification, ["positive", "negative"], false, []);
    private static readonly TaskTemplate Topics = new(TaskTypes.TextClassification, ["sport", "finance", "tech"], true, []);
    private static readonly TaskTemplate Boxes = new(TaskTypes.BoundingBoxes, ["car", "person"], false, []);
    private static readonly TaskTemplate Transcript = new(TaskTypes.Transcription, [], false, []);
    private static readonly TaskTemplate Ranking = new(TaskTypes.RewardRanking, [], false, []);
    private static readonly TaskTemplate Rubric = new(TaskTypes.RubricEvaluation, [], false, [new("helpfulness", 1, 5)]);

    private static bool Match(TaskTemplate t, string answer, string gold) =>
        GoldMix.Matches(t, JsonDocument.Parse(answer).RootElement, JsonDocument.Parse(gold).RootElement);

    [TestCase("\"positive\"", "\"positive\"", true)]
    [TestCase("\"negative\"", "\"positive\"", false)]
    public void Single_labels_match_exactly(string answer, string gold, bool expected) => Assert.That(Match(Sentiment, answer, gold), Is.EqualTo(expected));

    [TestCase("[\"tech\", \"finance\"]", "[\"finance\", \"tech\"]", true)]
    [TestCase("[\"tech\"]", "[\"finance\", \"tech\"]", false)]
    public void Multi_labels_match_as_sets(string answer, string gold, bool expected) => Assert.That(Match(Topics, answer, gold), Is.EqualTo(expected));

    [TestCase("""[{"label":"car","x":0.1,"y":0.1,"width":0.3,"height":0.3}]""", """[{"label":"car","x":0.12,"y":0.1,"width":0.3,"height":0.3}]""", true)]
    [TestCase("""[{"label":"car","x":0.5,"y":0.5,"width":0.3,"height":0.3}]""", """[{"label":"car","x":0.1,"y":0.1,"width":0.3,"height":0.3}]""", false)]
    [TestCase("""[{"label":"person","x":0.1,"y":0.1,"width":0.3,"height":0.3}]""", """[{"label":"car","x":0.1,"y":0.1,"width":0.3,"height":0.3}]""", false)]
    [TestCase("""[]""", """[{"label":"car","x":0.1,"y":0.1,"width":0.3,"height":0.3}]""", false)]
    public void Boxes_match_by_label_and_overlap(string answer, string gold, bool expected) => Assert.That(Match(Boxes, answer, gold), Is.EqualTo(expected));

    [TestCase("\"  the Quick  brown fox \"", "\"The quick brown fox\"", true)]
    [TestCase("\"the quick brown box\"", "\"The quick brown fox\"", false)]
    public void Text_matches_after_normalising_space_and_case(string answer, string gold, bool expected) => Assert.That(Match(Transcript, answer, gold), Is.EqualTo(expected));

    [TestCase("[1,0,2]", "[1,0,2]", true)]
    [TestCase("[0,1,2]", "[1,0,2]", false)]
    public void Rankings_match_in_order(string answer, string gold, bool expected) => Assert.That(Match(Ranking, answer, gold), Is.EqualTo(expected));

    [TestCase("{\"helpfulness\": 4}", "{\"helpfulness\": 5}", true)]
    [TestCase("{\"helpfulness\": 2}", "{\"helpfulness\": 5}", false)]
    public void Rubric_scores_match_within_a_point(string answer, string gold, bool expected) => Assert.That(Match(Rubric, answer, gold), Is.EqualTo(expected));
}
