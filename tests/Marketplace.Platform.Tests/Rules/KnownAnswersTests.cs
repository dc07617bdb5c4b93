using System.Text.Json;
using Marketplace.Labeling;

namespace Marketplace.Platform.Tests.Rules;

public class KnownAnswersTests
{
    private static readonly TaskTemplate Sentiment = new(TaskTypes.TextClassification, ["positive", "negative", "neutral"], false, []);
    private static readonly TaskTemplate Topics = new(TaskTypes.TextClassification, ["sport", "politics", "finance"], true, []);
    private static readonly TaskTemplate Boxes = new(TaskTypes.BoundingBoxes, ["car", "pedestrian"], false, []);
    private static readonly TaskTemplate Entities = new(TaskTypes.TextSpans, ["PERSON", "ORG"], false, []);
    private static readonly TaskTemplate Transcript = new(TaskTypes.Transcription, [], false, []);
    private static readonly TaskTemplate Ranking = new(TaskTypes.RewardRanking, [], false, []);
    private static readonly TaskTemplate Rubric = new(TaskTypes.RubricEvaluation, [], false,
        [new RubricCriterion("helpfulness", 1, 5), new RubricCriterion("harmlessness", 1, 5)]);

    private static bool Right(TaskTemplate template, string answer, string known) =>
        KnownAnswers.Compare(template, JsonDocument.Parse(answer).RootElement, JsonDocument.Parse(known).RootElement).Correct;

    [TestCase("\"positive\"", "\"positive\"", true)]
    [TestCase("\"negative\"", "\"positive\"", false)]
    public void A_single_label_is_right_when_it_is_the_known_label(string answer, string known, bool right) =>
        Assert.That(Right(Sentiment, answer, known), Is.EqualTo(right));

    [TestCase("[\"sport\", \"finance\"]", "[\"finance\", \"sport\"]", true)]
    [TestCase("[\"sport\"]", "[\"finance\", \"sport\"]", false)]
    [TestCase("[\"sport\", \"politics\", \"finance\"]", "[\"finance\", \"sport\"]", false)]
    public void A_multi_label_answer_is_right_when_it_is_the_same_set(string answer, string known, bool right) =>
        Assert.That(Right(Topics, answer, known), Is.EqualTo(right));

    [Test]
    public void Intersection_over_union_of_two_boxes()
    {
        var a = new KnownAnswers.Box("car", 0, 0, 0.5, 0.5);
        Assert.That(KnownAnswers.Iou(a, a), Is.EqualTo(1).Within(1e-12));
        Assert.That(KnownAnswers.Iou(a, new KnownAnswers.Box("car", 0.25, 0, 0.5, 0.5)), Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(KnownAnswers.Iou(a, new KnownAnswers.Box("car", 0.5, 0.5, 0.2, 0.2)), Is.Zero, "touching corners do not overlap");
    }

    private const string KnownBoxes = """[{"label": "car", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}, {"label": "pedestrian", "x": 0.6, "y": 0.2, "width": 0.1, "height": 0.3}]""";

    [TestCase("""[{"label": "pedestrian", "x": 0.61, "y": 0.21, "width": 0.1, "height": 0.3}, {"label": "car", "x": 0.12, "y": 0.1, "width": 0.4, "height": 0.38}]""", true,
        TestName = "Boxes drawn a little off, in any order, match")]
    [TestCase("""[{"label": "car", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}]""", false, TestName = "A missed box is wrong")]
    [TestCase("""[{"label": "car", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}, {"label": "car", "x": 0.6, "y": 0.2, "width": 0.1, "height": 0.3}]""", false,
        TestName = "A box of the wrong label does not match")]
    [TestCase("""[{"label": "car", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}, {"label": "pedestrian", "x": 0.6, "y": 0.2, "width": 0.1, "height": 0.3}, {"label": "car", "x": 0.1, "y": 0.1, "width": 0.39, "height": 0.4}]""", false,
        TestName = "An extra box, even a duplicate, is wrong")]
    [TestCase("""[{"label": "car", "x": 0.3, "y": 0.3, "width": 0.4, "height": 0.4}, {"label": "pedestrian", "x": 0.6, "y": 0.2, "width": 0.1, "height": 0.3}]""", false,
        TestName = "A box overlapping less than half is wrong")]
    public void Boxes_match_one_to_one_by_label_with_IoU_of_one_half(string answer, bool right) =>
        Assert.That(Right(Boxes, answer, KnownBoxes), Is.EqualTo(right));

    [Test]
    public void No_boxes_is_right_when_nothing_is_known_to_be_there() => Assert.That(Right(Boxes, "[]", "[]"), Is.True);

    [Test]
    public void Box_matching_pairs_the_closest_boxes_first()
    {
        // The answered box A overlaps both known boxes; the greedy match gives it to the closer one, so B can take the other.
        var known = new[] { new KnownAnswers.Box("car", 0, 0, 0.4, 0.4), new KnownAnswers.Box("car", 0.1, 0, 0.4, 0.4) };
        var answered = new[] { new KnownAnswers.Box("car", 0.1, 0, 0.4, 0.4), new KnownAnswers.Box("car", 0.02, 0, 0.4, 0.4) };
        Assert.That(KnownAnswers.MatchBoxes(answered, known), Is.EqualTo(2));
    }

    [TestCase("""[{"label": "ORG", "start": 14, "end": 20}, {"label": "PERSON", "start": 0, "end": 6}]""", true)]
    [TestCase("""[{"label": "PERSON", "start": 0, "end": 6}]""", false)]
    [TestCase("""[{"label": "PERSON", "start": 0, "end": 5}, {"label": "ORG", "start": 14, "end": 20}]""", false)]
    [TestCase("""[{"label": "PERSON", "start": 0, "end": 6}, {"label": "PERSON", "start": 14, "end": 20}]""", false)]
    public void Spans_must_match_exactly(string answer, bool right) =>
        Assert.That(Right(Entities, answer, """[{"label": "PERSON", "start": 0, "end": 6}, {"label": "ORG", "start": 14, "end": 20}]"""), Is.EqualTo(right));

    [TestCase("The quick brown fox jumps over the lazy dog.", true, TestName = "The same transcription is right")]
    [TestCase("the quick brown fox, jumps over the  lazy dog", true, TestName = "Case, punctuation and spacing do not count")]
    [TestCase("The quick brown fox jumps over the lazy cat.", true, TestName = "Three letters off in 43 is within 90 percent")]
    [TestCase("The quick brown fox jumped over a lazy cat.", false, TestName = "Several words off is too far")]
    [TestCase("Something else entirely.", false, TestName = "Another text is wrong")]
    public void A_transcription_is_right_at_ninety_percent_similarity(string answer, bool right) =>
        Assert.That(Right(Transcript, JsonSerializer.Serialize(answer), "\"The quick brown fox jumps over the lazy dog.\""), Is.EqualTo(right));

    [Test]
    public void Chinese_transcriptions_ignore_full_width_punctuation()
    {
        Assert.That(KnownAnswers.Similarity("今天天气很好，我们去公园吧。", "今天天气很好我们去公园吧"), Is.EqualTo(1));
        Assert.That(KnownAnswers.Similarity("今天天气很好我们去公园吧", "今天天气不好我们去公园吧"), Is.EqualTo(1 - 1.0 / 12).Within(1e-12));
    }

    [TestCase("kitten", "sitting", 10, 3)]
    [TestCase("kitten", "sitting", 2, 3)]
    [TestCase("", "abc", 5, 3)]
    [TestCase("abc", "abc", 0, 0)]
    [TestCase("flaw", "lawn", 2, 2)]
    [TestCase("abcdef", "ghijkl", 3, 4)]
    public void Bounded_edit_distance_is_exact_within_the_bound_and_bound_plus_one_beyond(string a, string b, int bound, int expected) =>
        Assert.That(KnownAnswers.BoundedEditDistance(a, b, bound), Is.EqualTo(expected));

    [Test]
    public void Comparing_two_long_different_texts_stays_fast()
    {
        var a = new string('a', 10_000);
        var b = new string('b', 10_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(KnownAnswers.Similarity(a, b, 0.9), Is.LessThan(0.9));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [TestCase(new[] { 0, 1, 2, 3 }, new[] { 0, 1, 2, 3 }, 1.0)]
    [TestCase(new[] { 3, 2, 1, 0 }, new[] { 0, 1, 2, 3 }, -1.0)]
    [TestCase(new[] { 1, 0, 2, 3 }, new[] { 0, 1, 2, 3 }, 4.0 / 6)]
    public void Kendall_tau_counts_agreeing_and_disagreeing_pairs(int[] first, int[] second, double tau) =>
        Assert.That(KnownAnswers.KendallTau(first, second), Is.EqualTo(tau).Within(1e-12));

    private const string FourResponses = "[0, 1, 2, 3]";

    [TestCase("[0, 1, 2, 3]", FourResponses, true, TestName = "The same ranking is right")]
    [TestCase("[1, 0, 2, 3]", FourResponses, false, TestName = "One swap among four responses is wrong")]
    [TestCase("[0, 1, 2, 4, 3]", "[0, 1, 2, 3, 4]", true, TestName = "One neighbouring swap among five responses is right")]
    [TestCase("[1, 0, 2, 4, 3]", "[0, 1, 2, 3, 4]", false, TestName = "Two swaps among five responses are wrong")]
    public void A_ranking_is_right_at_a_Kendall_tau_of_0_8(string answer, string known, bool right) =>
        Assert.That(Right(Ranking, answer, known), Is.EqualTo(right));

    [TestCase("""{"helpfulness": 4, "harmlessness": 5}""", true)]
    [TestCase("""{"helpfulness": 3, "harmlessness": 4}""", true)]
    [TestCase("""{"helpfulness": 2, "harmlessness": 5}""", false)]
    public void Rubric_scores_are_right_within_one_point_per_criterion(string answer, bool right) =>
        Assert.That(Right(Rubric, answer, """{"helpfulness": 4, "harmlessness": 5}"""), Is.EqualTo(right));

    [Test]
    public void Feedback_does_not_give_the_known_answer_away()
    {
        var comparison = KnownAnswers.Compare(Sentiment, JsonDocument.Parse("\"negative\"").RootElement, JsonDocument.Parse("\"positive\"").RootElement);
        Assert.That(comparison.Detail, Does.Not.Contain("positive"));
    }
}
