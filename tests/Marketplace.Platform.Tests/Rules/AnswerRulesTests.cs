using System.Text.Json;
using Marketplace.Labeling;

namespace Marketplace.Platform.Tests.Rules;

public class AnswerRulesTests
{
    private static readonly TaskTemplate Sentiment = new(TaskTypes.TextClassification, ["positive", "negative", "neutral"], false, []);
    private static readonly TaskTemplate Topics = new(TaskTypes.TextClassification, ["sport", "politics", "finance"], true, []);
    private static readonly TaskTemplate Boxes = new(TaskTypes.BoundingBoxes, ["car", "pedestrian"], false, []);
    private static readonly TaskTemplate Entities = new(TaskTypes.TextSpans, ["PERSON", "ORG"], false, []);
    private static readonly TaskTemplate Transcript = new(TaskTypes.Transcription, [], false, []);
    private static readonly TaskTemplate Sft = new(TaskTypes.LlmSft, [], false, []);
    private static readonly TaskTemplate Ranking = new(TaskTypes.RewardRanking, [], false, []);
    private static readonly TaskTemplate Rubric = new(TaskTypes.RubricEvaluation, [], false,
        [new RubricCriterion("helpfulness", 1, 5), new RubricCriterion("harmlessness", 1, 5)]);

    private const string Sentence = "Li Wei joined Huawei in 2019.";
    private const string RankingItem = """{"prompt": "Explain escrow.", "responses": ["A", "B", "C"]}""";

    private static string? Check(TaskTemplate template, string answer, string content = Sentence) =>
        AnswerRules.Check(template, content, JsonDocument.Parse(answer).RootElement);

    [TestCase("\"positive\"")]
    public void A_single_label_answer_names_one_label(string answer) => Assert.That(Check(Sentiment, answer), Is.Null);

    [TestCase("\"sarcastic\"")]
    [TestCase("[\"positive\"]")]
    [TestCase("7")]
    [TestCase("null")]
    public void A_single_label_answer_outside_the_label_set_is_refused(string answer) => Assert.That(Check(Sentiment, answer), Is.Not.Null);

    [TestCase("[\"sport\", \"finance\"]", true)]
    [TestCase("[\"sport\"]", true)]
    [TestCase("[]", false)]
    [TestCase("[\"sport\", \"sport\"]", false)]
    [TestCase("[\"weather\"]", false)]
    [TestCase("\"sport\"", false)]
    public void A_multi_label_answer_picks_distinct_labels(string answer, bool valid) =>
        Assert.That(Check(Topics, answer) is null, Is.EqualTo(valid), Check(Topics, answer));

    [TestCase("[]", true)]
    [TestCase("[{\"label\": \"car\", \"x\": 0.1, \"y\": 0.2, \"width\": 0.3, \"height\": 0.4}]", true)]
    [TestCase("[{\"label\": \"bus\", \"x\": 0.1, \"y\": 0.2, \"width\": 0.3, \"height\": 0.4}]", false)]
    [TestCase("[{\"label\": \"car\", \"x\": 0.8, \"y\": 0.2, \"width\": 0.3, \"height\": 0.4}]", false)]
    [TestCase("[{\"label\": \"car\", \"x\": 0.1, \"y\": 0.2, \"width\": 0, \"height\": 0.4}]", false)]
    [TestCase("[{\"label\": \"car\", \"x\": -0.1, \"y\": 0.2, \"width\": 0.3, \"height\": 0.4}]", false)]
    [TestCase("[{\"label\": \"car\", \"x\": 0.1, \"y\": 0.2}]", false)]
    public void Boxes_lie_inside_the_image_with_a_known_class(string answer, bool valid) =>
        Assert.That(Check(Boxes, answer) is null, Is.EqualTo(valid), Check(Boxes, answer));

    [TestCase("[{\"label\": \"PERSON\", \"start\": 0, \"end\": 6}, {\"label\": \"ORG\", \"start\": 14, \"end\": 20}]", true)]
    [TestCase("[{\"label\": \"PERSON\", \"start\": 0, \"end\": 6}, {\"label\": \"ORG\", \"start\": 3, \"end\": 20}]", false)]
    [TestCase("[{\"label\": \"PERSON\", \"start\": 20, \"end\": 99}]", false)]
    [TestCase("[{\"label\": \"PLACE\", \"start\": 0, \"end\": 6}]", false)]
    [TestCase("[{\"label\": \"PERSON\", \"start\": 6, \"end\": 6}]", false)]
    public void Spans_mark_non_overlapping_text_with_a_known_label(string answer, bool valid) =>
        Assert.That(Check(Entities, answer) is null, Is.EqualTo(valid), Check(Entities, answer));

    [TestCase("\"the quick brown fox\"", true)]
    [TestCase("\"   \"", false)]
    [TestCase("{\"text\": \"hi\"}", false)]
    public void Written_answers_are_non_empty_text(string answer, bool valid)
    {
        Assert.That(Check(Transcript, answer) is null, Is.EqualTo(valid));
        Assert.That(Check(Sft, answer) is null, Is.EqualTo(valid));
    }

    [TestCase("[2, 0, 1]", true)]
    [TestCase("[0, 1]", false)]
    [TestCase("[0, 1, 1]", false)]
    [TestCase("[0, 1, 3]", false)]
    [TestCase("\"0,1,2\"", false)]
    public void A_ranking_orders_every_response_once(string answer, bool valid) =>
        Assert.That(Check(Ranking, answer, RankingItem) is null, Is.EqualTo(valid), Check(Ranking, answer, RankingItem));

    [TestCase("{\"helpfulness\": 4, \"harmlessness\": 5}", true)]
    [TestCase("{\"helpfulness\": 4}", false)]
    [TestCase("{\"helpfulness\": 6, \"harmlessness\": 5}", false)]
    [TestCase("{\"helpfulness\": 4, \"harmlessness\": 5, \"style\": 3}", false)]
    [TestCase("{\"helpfulness\": 4.5, \"harmlessness\": 5}", false)]
    public void A_rubric_scores_every_criterion_within_its_scale(string answer, bool valid) =>
        Assert.That(Check(Rubric, answer) is null, Is.EqualTo(valid), Check(Rubric, answer));

    [Test]
    public void Templates_name_the_field_that_is_wrong()
    {
        Assert.That(new TaskTemplate("video-tracking", [], false, []).Problems().Single().Field, Is.EqualTo("taskType"));
        Assert.That(new TaskTemplate(TaskTypes.TextClassification, ["only"], false, []).Problems().Single().Field, Is.EqualTo("labels"));
        Assert.That(new TaskTemplate(TaskTypes.LlmSft, ["x", "y"], false, []).Problems().Single().Field, Is.EqualTo("labels"));
        Assert.That(new TaskTemplate(TaskTypes.BoundingBoxes, ["car"], true, []).Problems().Single().Field, Is.EqualTo("multiLabel"));
        Assert.That(new TaskTemplate(TaskTypes.RubricEvaluation, [], false, []).Problems().Single().Field, Is.EqualTo("criteria"));
        Assert.That(new TaskTemplate(TaskTypes.RubricEvaluation, [], false, [new("a", 5, 1)]).Problems().Single().Field, Is.EqualTo("criteria"));
        Assert.That(Rubric.Problems(), Is.Empty);
        Assert.That(Topics.Problems(), Is.Empty);
    }

    [TestCase(TaskTypes.ImageClassification, "https://data.example/boats/001.jpg", true)]
    [TestCase(TaskTypes.ImageClassification, "a photo of a boat", false)]
    [TestCase(TaskTypes.Transcription, "content://uploads/clip-7.wav", true)]
    [TestCase(TaskTypes.RewardRanking, RankingItem, true)]
    [TestCase(TaskTypes.RewardRanking, "{\"prompt\": \"x\", \"responses\": [\"only one\"]}", false)]
    [TestCase(TaskTypes.RewardRanking, "not json", false)]
    [TestCase(TaskTypes.TextSpans, "", false)]
    public void Item_content_suits_the_task_type(string taskType, string content, bool valid) =>
        Assert.That(ItemRules.Check(taskType, content) is null, Is.EqualTo(valid), ItemRules.Check(taskType, content));
}
