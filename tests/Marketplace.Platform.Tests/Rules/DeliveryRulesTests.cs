using System.Text;
using System.Text.Json;
using Marketplace.Labeling;
using Marketplace.Labeling.Aggregation;
using Marketplace.Labeling.Delivery;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>Item-by-item aggregation (boxes, spans, rubrics, transcriptions) and the COCO and Label Studio mappings.</summary>
public class DeliveryRulesTests
{
    private static readonly TaskTemplate Boxes = new(TaskTypes.BoundingBoxes, ["car", "person"], false, []);
    private static readonly Guid Ann = Guid.Parse("00000000-0000-0000-0000-00000000000a");

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonElement Written(Action<Utf8JsonWriter> write)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return Json(Encoding.UTF8.GetString(stream.ToArray()));
    }

    // ---- Aggregation item by item ----

    [Test]
    public void Boxes_drawn_by_most_workers_are_kept_at_their_mean_and_a_lone_box_is_dropped()
    {
        var result = BoxConsensus.Aggregate([
            [new LabeledBox("car", 0.08, 0.18, 0.3, 0.4), new LabeledBox("person", 0.6, 0.1, 0.1, 0.3)],
            [new LabeledBox("car", 0.10, 0.20, 0.3, 0.4)],
            [new LabeledBox("car", 0.12, 0.22, 0.3, 0.4)],
        ]);

        var car = result.Boxes.Single();
        Assert.That((car.Label, car.X, car.Y, car.Width, car.Height, car.Support),
            Is.EqualTo(("car", 0.10, 0.20, 0.3, 0.4, 1.0)).Using<(string, double, double, double, double, double)>((a, b) =>
                a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-9 && Math.Abs(a.Item3 - b.Item3) < 1e-9 && Math.Abs(a.Item4 - b.Item4) < 1e-9
                && Math.Abs(a.Item5 - b.Item5) < 1e-9 && Math.Abs(a.Item6 - b.Item6) < 1e-9));
        Assert.That(result.Confidence, Is.EqualTo(2.0 / 3).Within(1e-9), "two of three say there is no person");
    }

    [Test]
    public void Two_boxes_of_one_answer_never_merge_and_boxes_of_different_labels_never_match()
    {
        var twoCars = new List<LabeledBox> { new("car", 0.1, 0.1, 0.2, 0.2), new("car", 0.12, 0.1, 0.2, 0.2) };
        var result = BoxConsensus.Aggregate([twoCars, twoCars]);
        Assert.That(result.Boxes, Has.Count.EqualTo(2), "two parked cars side by side stay two cars");
        Assert.That(result.Confidence, Is.EqualTo(1.0));

        var mixed = BoxConsensus.Aggregate([[new LabeledBox("car", 0.1, 0.1, 0.2, 0.2)], [new LabeledBox("person", 0.1, 0.1, 0.2, 0.2)]]);
        Assert.That(mixed.Boxes, Is.Empty, "half and half is not a majority");
        Assert.That(mixed.Confidence, Is.EqualTo(0.5));
        Assert.That(BoxConsensus.Aggregate([[], []]), Has.Property("Confidence").EqualTo(1.0), "agreeing there is nothing is certain");
    }

    [Test]
    public void Spans_marked_by_more_than_half_are_kept_in_text_order()
    {
        var person = new LabeledSpan("PERSON", 0, 6);
        var org = new LabeledSpan("ORG", 14, 20);
        var result = SpanVote.Aggregate([[org, person], [person, org], [person, new LabeledSpan("ORG", 14, 19)]]);
        Assert.That(result.Spans, Is.EqualTo(new[] { person, org }));
        Assert.That(result.Confidence, Is.EqualTo(2.0 / 3).Within(1e-9));
    }

    [Test]
    public void Rubric_scores_take_the_median_per_criterion_and_agreement_within_one_point()
    {
        RubricCriterion[] criteria = [new("helpfulness", 1, 5), new("accuracy", 1, 5)];
        var result = RubricMedian.Aggregate(criteria, [
            new Dictionary<string, decimal> { ["helpfulness"] = 4, ["accuracy"] = 5 },
            new Dictionary<string, decimal> { ["helpfulness"] = 5, ["accuracy"] = 1 },
            new Dictionary<string, decimal> { ["helpfulness"] = 4, ["accuracy"] = 4 },
            new Dictionary<string, decimal> { ["helpfulness"] = 3, ["accuracy"] = 5 },
        ]);
        Assert.That(result.Scores["helpfulness"], Is.EqualTo(4m));
        Assert.That(result.Scores["accuracy"], Is.EqualTo(4.5m), "the mean of the middle two");
        Assert.That(result.Confidence, Is.EqualTo(0.75), "the accuracy score of 1 is the one outlier");
    }

    [Test]
    public void Transcriptions_agree_when_only_case_and_spacing_differ()
    {
        var result = TextVote.Aggregate(["  Hello, how can I help you?", "hello,  how can i help you?", "Hello, how can I help?"]);
        Assert.That(result.Text, Is.EqualTo("Hello, how can I help you?"));
        Assert.That(result.Confidence, Is.EqualTo(2.0 / 3).Within(1e-9));
        Assert.That(TextVote.Aggregate(["a", "b"]).Text, Is.EqualTo("a"), "a tie goes to the first answer");
    }

    [Test]
    public void Item_consensus_gives_labels_in_the_answer_shape_and_none_for_fine_tuning()
    {
        var ranking = ItemConsensus.Aggregate(new TaskTemplate(TaskTypes.RewardRanking, [], false, []),
            """{"prompt": "p", "responses": ["a", "b", "c"]}""", [Json("[2, 0, 1]"), Json("[2, 1, 0]"), Json("[2, 0, 1]")]);
        Assert.That(ranking.Label, Is.EqualTo("[2,0,1]"));
        Assert.That(ranking.Method, Is.EqualTo(AggregationMethods.BradleyTerry));
        Assert.That(ranking.Confidence, Is.GreaterThan(0.5).And.LessThan(1));

        var sft = ItemConsensus.Aggregate(new TaskTemplate(TaskTypes.LlmSft, [], false, []), "prompt", [Json("\"one\""), Json("\"two\"")]);
        Assert.That((sft.Label, sft.Confidence, sft.Method), Is.EqualTo(((string?)null, (double?)null, AggregationMethods.AllAnswers)));

        var boxes = Json(ItemConsensus.Aggregate(Boxes, "https://x/1.jpg",
            [Json("""[{"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}]""")]).Label!);
        Assert.That(boxes[0].GetProperty("support").GetDouble(), Is.EqualTo(1.0));
        Assert.That(() => ItemConsensus.Aggregate(new TaskTemplate(TaskTypes.TextClassification, ["a", "b"], false, []), "t", [Json("\"a\"")]),
            Throws.ArgumentException, "classification learns worker skill across the order instead");
    }

    // ---- COCO ----

    [Test]
    public void COCO_boxes_are_pixels_of_the_image_with_categories_numbered_from_one()
    {
        Assert.That(CocoDataset.Bbox(0.25, 0.5, 0.5, 0.25, 640, 480), Is.EqualTo(new[] { 160.0, 240.0, 320.0, 120.0 }));
        long next = 7;
        var written = Written(w =>
        {
            w.WriteStartObject();
            CocoDataset.WriteCategories(w, Boxes.Labels);
            w.WriteStartArray("images");
            CocoDataset.WriteImage(w, 3, "street-1", "https://x/1.jpg", 640, 480);
            w.WriteEndArray();
            w.WriteStartArray("annotations");
            CocoDataset.WriteAnnotations(w, ref next, 3, Json("""
                [{"label": "person", "x": 0.25, "y": 0.5, "width": 0.5, "height": 0.25, "support": 0.75}, {"label": "car", "x": 0, "y": 0, "width": 1, "height": 1}]
                """), Boxes.Labels, 640, 480);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        Assert.That(written.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()), Is.EqualTo(new[] { "car", "person" }));
        var image = written.GetProperty("images")[0];
        Assert.That((image.GetProperty("id").GetInt64(), image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()), Is.EqualTo((3L, 640, 480)));
        Assert.That(image.GetProperty("coco_url").GetString(), Is.EqualTo("https://x/1.jpg"));
        var person = written.GetProperty("annotations")[0];
        Assert.That(person.GetProperty("id").GetInt64(), Is.EqualTo(7));
        Assert.That(person.GetProperty("category_id").GetInt32(), Is.EqualTo(2));
        Assert.That(person.GetProperty("image_id").GetInt64(), Is.EqualTo(3));
        Assert.That(person.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()), Is.EqualTo(new[] { 160.0, 240.0, 320.0, 120.0 }));
        Assert.That(person.GetProperty("area").GetDouble(), Is.EqualTo(38400.0));
        Assert.That(person.GetProperty("score").GetDouble(), Is.EqualTo(0.75));
        Assert.That(written.GetProperty("annotations")[1].GetProperty("category_id").GetInt32(), Is.EqualTo(1));
        Assert.That(next, Is.EqualTo(9), "annotation ids continue across images");
    }

    // ---- Label Studio ----

    private static JsonElement Results(TaskTemplate template, string content, string answer) =>
        Written(w => LabelStudioTasks.WriteResults(w, template, content, Json(answer)));

    [Test]
    public void Label_Studio_rectangles_are_in_percent_of_the_image()
    {
        var result = Results(Boxes, "https://x/1.jpg", """[{"label": "car", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}]""")[0];
        Assert.That(result.GetProperty("type").GetString(), Is.EqualTo("rectanglelabels"));
        Assert.That((result.GetProperty("from_name").GetString(), result.GetProperty("to_name").GetString()), Is.EqualTo(("label", "image")));
        var value = result.GetProperty("value");
        Assert.That(new[] { "x", "y", "width", "height" }.Select(p => value.GetProperty(p).GetDouble()), Is.EqualTo(new[] { 10.0, 20.0, 30.0, 40.0 }).Within(1e-9));
        Assert.That(value.GetProperty("rectanglelabels")[0].GetString(), Is.EqualTo("car"));
    }

    [Test]
    public void Label_Studio_results_match_each_task_types_control_tag()
    {
        var spans = Results(new TaskTemplate(TaskTypes.TextSpans, ["PERSON"], false, []), "Li Wei joined Huawei.", """[{"label": "PERSON", "start": 0, "end": 6}]""")[0];
        Assert.That(spans.GetProperty("type").GetString(), Is.EqualTo("labels"));
        Assert.That(spans.GetProperty("value").GetProperty("text").GetString(), Is.EqualTo("Li Wei"));
        Assert.That(spans.GetProperty("value").GetProperty("labels")[0].GetString(), Is.EqualTo("PERSON"));

        var choices = Results(new TaskTemplate(TaskTypes.AudioClassification, ["speech", "music"], true, []), "https://x/a.wav", """["speech", "music"]""")[0];
        Assert.That((choices.GetProperty("type").GetString(), choices.GetProperty("to_name").GetString()), Is.EqualTo(("choices", "audio")));
        Assert.That(choices.GetProperty("value").GetProperty("choices").GetArrayLength(), Is.EqualTo(2));

        var text = Results(new TaskTemplate(TaskTypes.Transcription, [], false, []), "https://x/a.wav", "\"Hello\"")[0];
        Assert.That((text.GetProperty("type").GetString(), text.GetProperty("value").GetProperty("text")[0].GetString()), Is.EqualTo(("textarea", "Hello")));

        var rank = Results(new TaskTemplate(TaskTypes.RewardRanking, [], false, []), """{"prompt": "p", "responses": ["a", "b"]}""", "[1, 0]")[0];
        Assert.That(rank.GetProperty("type").GetString(), Is.EqualTo("ranker"));
        Assert.That(rank.GetProperty("value").GetProperty("ranker").GetProperty("responses").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "1", "0" }));

        var rubric = Results(new TaskTemplate(TaskTypes.RubricEvaluation, [], false, [new("helpfulness", 1, 5), new("accuracy", 1, 5)]), "text",
            """{"accuracy": 2, "helpfulness": 4.5}""");
        Assert.That(rubric.EnumerateArray().Select(r => (r.GetProperty("from_name").GetString(), r.GetProperty("type").GetString(),
            r.GetProperty("value").GetProperty("number").GetDecimal())), Is.EqualTo(new[] { ("helpfulness", "number", 4.5m), ("accuracy", "number", 2m) }));
    }

    [Test]
    public void A_Label_Studio_task_has_the_content_each_answer_as_an_annotation_and_the_label_as_a_scored_prediction()
    {
        var template = new TaskTemplate(TaskTypes.TextClassification, ["positive", "negative"], false, []);
        var item = new DeliveredItem("review-1", "Great.", Json("\"positive\""), 0.75, AggregationMethods.MajorityVote,
            [new(Guid.NewGuid(), Ann, Json("\"positive\"")), new(Guid.NewGuid(), Guid.NewGuid(), Json("\"negative\""))]);
        var task = Written(w => LabelStudioTasks.WriteTask(w, template, 12, item));

        Assert.That(task.GetProperty("id").GetInt64(), Is.EqualTo(12));
        Assert.That(task.GetProperty("data").GetProperty("text").GetString(), Is.EqualTo("Great."));
        Assert.That(task.GetProperty("data").GetProperty("item_id").GetString(), Is.EqualTo("review-1"));
        Assert.That(task.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("result")[0].GetProperty("value").GetProperty("choices")[0].GetString()),
            Is.EqualTo(new[] { "positive", "negative" }));
        var prediction = task.GetProperty("predictions").EnumerateArray().Single();
        Assert.That(prediction.GetProperty("score").GetDouble(), Is.EqualTo(0.75));
        Assert.That(prediction.GetProperty("model_version").GetString(), Is.EqualTo("majority-vote"));
        Assert.That(task.GetProperty("meta").GetProperty("workers")[0].GetProperty("worker_id").GetGuid(), Is.EqualTo(Ann));

        var unlabeled = Written(w => LabelStudioTasks.WriteTask(w, new TaskTemplate(TaskTypes.LlmSft, [], false, []), 1,
            new DeliveredItem("p-1", "Write a haiku.", null, null, AggregationMethods.AllAnswers, [new(Guid.NewGuid(), Ann, Json("\"Snow...\""))])));
        Assert.That(unlabeled.GetProperty("predictions").GetArrayLength(), Is.Zero);
        Assert.That(unlabeled.GetProperty("data").GetProperty("prompt").GetString(), Is.EqualTo("Write a haiku."));
    }

    [Test]
    public void The_Label_Studio_config_names_the_tags_the_results_use_and_escapes_labels()
    {
        var config = LabelStudioTasks.LabelConfig(new TaskTemplate(TaskTypes.BoundingBoxes, ["car", "\"big\" <truck>"], false, []));
        Assert.That(config, Does.Contain("<RectangleLabels name=\"label\" toName=\"image\">"));
        Assert.That(config, Does.Contain("&quot;big&quot; &lt;truck&gt;"));
        Assert.That(System.Xml.Linq.XElement.Parse(config).Name.LocalName, Is.EqualTo("View"));
    }
}
