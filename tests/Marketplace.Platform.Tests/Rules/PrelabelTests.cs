using System.Text.Json;
using Marketplace.Labeling;
using Marketplace.Labeling.Aggregation;
using Marketplace.Labeling.Prelabels;

namespace Marketplace.Platform.Tests.Rules;

public class PrelabelTests
{
    private static readonly TaskTemplate Sentiment = new(TaskTypes.TextClassification, ["positive", "negative"], false, []);
    private static readonly TaskTemplate Topics = new(TaskTypes.TextClassification, ["sport", "finance", "tech"], true, []);
    private static readonly TaskTemplate Boxes = new(TaskTypes.BoundingBoxes, ["car", "person"], false, []);
    private static readonly TaskTemplate Entities = new(TaskTypes.TextSpans, ["PERSON", "ORG"], false, []);
    private static readonly TaskTemplate Transcript = new(TaskTypes.Transcription, [], false, []);
    private static readonly TaskTemplate Rubric = new(TaskTypes.RubricEvaluation, [], false, [new("label", 1, 5)]);

    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static PrelabelChange Measure(TaskTemplate template, string prelabel, string answer) => PrelabelChange.Measure(template, J(prelabel), J(answer));

    [Test]
    public void A_full_prediction_keeps_its_model_version_and_score_and_a_bare_answer_becomes_the_label()
    {
        Assert.That(Prelabel.Read(Sentiment, "great", J("""{"label": "positive", "modelVersion": "bert-zh-v3", "score": 0.87}"""), out var full), Is.Null);
        Assert.That((full!.Label.GetString(), full.ModelVersion, full.Score), Is.EqualTo(("positive", "bert-zh-v3", 0.87m)));
        Assert.That(Prelabel.Read(Sentiment, "great", J("\"negative\""), out var bare), Is.Null);
        Assert.That((bare!.Label.GetString(), bare.ModelVersion, bare.Score), Is.EqualTo(("negative", (string?)null, (decimal?)null)));
        Assert.That(JsonDocument.Parse(bare.ToJson()).RootElement.GetProperty("label").GetString(), Is.EqualTo("negative"));
        var stored = Prelabel.FromStored(J(full.ToJson()));
        Assert.That((stored.Label.GetString(), stored.ModelVersion, stored.Score), Is.EqualTo(("positive", "bert-zh-v3", 0.87m)));
    }

    [Test]
    public void A_rubric_answer_with_a_criterion_named_label_stays_a_bare_answer()
    {
        Assert.That(Prelabel.Read(Rubric, "text", J("""{"label": 4}"""), out var bare), Is.Null);
        Assert.That(bare!.Label.GetProperty("label").GetInt32(), Is.EqualTo(4));
        Assert.That(Prelabel.Read(Rubric, "text", J("""{"label": {"label": 2}, "score": 0.5}"""), out var full), Is.Null);
        Assert.That((full!.Label.GetProperty("label").GetInt32(), full.Score), Is.EqualTo((2, 0.5m)));
    }

    [TestCase("""{"label": "sarcastic", "score": 0.5}""", "does not fit the task template")]
    [TestCase("""{"label": "positive", "score": 1.5}""", "'predictions.score' must be a number from 0 to 1")]
    [TestCase("""{"label": "positive", "score": -0.1}""", "'predictions.score'")]
    [TestCase("""{"label": "positive", "score": "high"}""", "'predictions.score'")]
    [TestCase("""{"label": "positive", "modelVersion": 3}""", "'predictions.modelVersion' must be a string")]
    [TestCase("""{"label": "positive", "modelVersion": "v1\u0007"}""", "control characters")]
    public void Predictions_that_do_not_fit_are_refused_naming_what_is_wrong(string predictions, string problem) =>
        Assert.That(Prelabel.Read(Sentiment, "great", J(predictions), out _), Does.Contain(problem));

    [Test]
    public void A_model_version_longer_than_100_characters_is_refused() =>
        Assert.That(Prelabel.Read(Sentiment, "great", J($$"""{"label": "positive", "modelVersion": "{{new string('v', 101)}}"}"""), out _),
            Does.Contain("longer than 100"));

    [Test]
    public void A_classification_label_is_flipped_or_accepted()
    {
        Assert.That(Measure(Sentiment, "\"positive\"", "\"positive\""), Is.EqualTo(new PrelabelChange(true, Flipped: false)));
        Assert.That(Measure(Sentiment, "\"positive\"", "\"negative\""), Is.EqualTo(new PrelabelChange(false, Flipped: true)));
    }

    [Test]
    public void Multi_label_sets_are_compared_by_Jaccard_in_any_order()
    {
        Assert.That(Measure(Topics, """["sport", "tech"]""", """["tech", "sport"]"""), Is.EqualTo(new PrelabelChange(true, Jaccard: 1m)));
        Assert.That(Measure(Topics, """["sport", "tech"]""", """["tech", "finance"]"""), Is.EqualTo(new PrelabelChange(false, Jaccard: 0.3333m)));
        Assert.That(Measure(Topics, """["sport"]""", """["finance"]""").Jaccard, Is.Zero);
    }

    [Test]
    public void Boxes_are_paired_by_IoU_and_added_and_removed_boxes_count_zero()
    {
        const string model = """[{"label": "car", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}, {"label": "person", "x": 0.6, "y": 0.6, "width": 0.2, "height": 0.2}]""";
        Assert.That(Measure(Boxes, model, model), Is.EqualTo(new PrelabelChange(true, MeanIoU: 1m, BoxesAdded: 0, BoxesRemoved: 0)));
        // The car moved right by 0.04, the person removed, a new car added: one pair and two unpaired boxes.
        const string worker = """[{"label": "car", "x": 0.14, "y": 0.1, "width": 0.4, "height": 0.4}, {"label": "car", "x": 0.0, "y": 0.8, "width": 0.1, "height": 0.1}]""";
        var change = Measure(Boxes, model, worker);
        var moved = 0.36 * 0.4 / (2 * 0.16 - 0.36 * 0.4); // overlap 0.36 wide, 0.4 high
        Assert.That(change.Unchanged, Is.False);
        Assert.That((change.BoxesAdded, change.BoxesRemoved), Is.EqualTo((1, 1)));
        Assert.That(change.MeanIoU, Is.EqualTo(Math.Round((decimal)(moved / 3), 4)));
        // A box of another label never pairs, however well it overlaps.
        var relabelled = Measure(Boxes, """[{"label": "car", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}]""",
            """[{"label": "person", "x": 0.1, "y": 0.1, "width": 0.4, "height": 0.4}]""");
        Assert.That((relabelled.MeanIoU, relabelled.BoxesAdded, relabelled.BoxesRemoved), Is.EqualTo(((decimal?)0m, (int?)1, (int?)1)));
        Assert.That(PrelabelChange.MatchBoxes([], []), Is.EqualTo((1m, 0, 0, true)));
        Assert.That(PrelabelChange.MatchBoxes([new LabeledBox("car", 0, 0, 0.5, 0.5)], [new LabeledBox("car", 0, 0, 0.5, 0.5)]).Same, Is.True);
    }

    [Test]
    public void Spans_agree_by_F1_on_exact_spans()
    {
        const string model = """[{"label": "PERSON", "start": 0, "end": 6}, {"label": "ORG", "start": 14, "end": 20}]""";
        Assert.That(Measure(Entities, model, model), Is.EqualTo(new PrelabelChange(true, SpanF1: 1m)));
        // One span kept, one shortened by a character (not exact), none added: 2 × 1 / (2 + 2).
        var change = Measure(Entities, model, """[{"label": "PERSON", "start": 0, "end": 6}, {"label": "ORG", "start": 14, "end": 19}]""");
        Assert.That(change, Is.EqualTo(new PrelabelChange(false, SpanF1: 0.5m)));
        Assert.That(Measure(Entities, model, "[]").SpanF1, Is.Zero);
        Assert.That(Measure(Entities, "[]", "[]"), Is.EqualTo(new PrelabelChange(true, SpanF1: 1m)));
    }

    [TestCase("你好，请问有什么可以帮您？", "你好，请问有什么可以帮您？", 0)]
    [TestCase("kitten", "sitting", 0.4286)] // 3 edits over 7 characters
    [TestCase("请稍等", "请稍候", 0.3333)]
    [TestCase("", "hello", 1)]
    [TestCase("abc", "", 1)]
    public void Text_changes_are_the_normalized_edit_distance(string model, string worker, decimal expected) =>
        Assert.That(PrelabelChange.NormalisedEditDistance(model, worker), Is.EqualTo(expected));

    [Test]
    public void A_transcription_accepted_as_it_was_is_unchanged_and_a_long_rewrite_stays_bounded()
    {
        Assert.That(Measure(Transcript, "\"Please hold the line.\"", "\"Please hold the line.\""), Is.EqualTo(new PrelabelChange(true, EditDistance: 0m)));
        Assert.That(Measure(Transcript, "\"Please hold the line.\"", "\"Please hold the line!\"").EditDistance, Is.EqualTo(Math.Round(1m / "Please hold the line.".Length, 4)));
        // 50,000 characters each, all different: counted as rewritten whole without 2.5 billion comparisons.
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(PrelabelChange.NormalisedEditDistance(new string('a', 50_000), new string('b', 50_000)), Is.EqualTo(1m));
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }
}
