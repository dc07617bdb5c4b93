using System.Text.Json;
using Marketplace.Labeling;
using Marketplace.Labeling.Aggregation;
using Marketplace.Labeling.Prelabels;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>Confidence-routed overlap, the combined confidence and planted gold suggestions (issue 15 item 3).</summary>
public class ConfidenceRoutingRulesTests
{
    private const double Bar = 0.9;
    private const int Cap = 5;

    [Test]
    public void A_lone_answer_agreeing_with_a_confident_model_settles_the_item_at_the_combined_confidence()
    {
        var routed = ConfidenceRouting.Route(1, null, vouched: false, Bar, Cap, new ModelOpinion(true, 0.95), workerSkill: 0.8, labelCount: 2);
        Assert.That(routed.MoreAnswers, Is.Zero);
        Assert.That(routed.ClosedByModel, Is.True);
        // 0.95·0.8 / (0.95·0.8 + 0.05·0.2) = 0.76 / 0.77
        Assert.That(routed.Confidence, Is.EqualTo(0.76 / 0.77).Within(1e-12));
    }

    [Test]
    public void An_item_the_model_closed_stays_closed_while_a_later_version_agrees_less_surely_and_reopens_when_it_disagrees()
    {
        // Closed last round; this round's version gives the same label at 0.7, which with an unmeasured worker is below the bar.
        var agreeing = new ModelOpinion(true, 0.7);
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, agreeing).MoreAnswers, Is.EqualTo(1), "not closed before: one more answer");
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, agreeing, closedBefore: true), Is.EqualTo(new RoutingDecision(0, 0.7, true)),
            "closed before: stays closed, at the confidence it has now");
        // This round's version disagrees: that is evidence against the answer, and the item gets another.
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, new ModelOpinion(false, 0.7), closedBefore: true).MoreAnswers, Is.EqualTo(1));
        // No prediction this round (the item has none, or is in the audit): judged on its answer alone.
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, null, closedBefore: true).MoreAnswers, Is.EqualTo(1));
    }

    [Test]
    public void A_lone_answer_disagreeing_with_a_confident_model_gets_another_answer_even_when_gold_vouches()
    {
        var routed = ConfidenceRouting.Route(1, 0.97, vouched: true, Bar, Cap, new ModelOpinion(false, 0.95), workerSkill: 0.9);
        Assert.That(routed, Is.EqualTo(new RoutingDecision(1, 0.97, false)));
    }

    [Test]
    public void A_less_sure_model_and_a_measured_worker_who_agree_can_settle_an_item_together()
    {
        // 0.8·0.9 / (0.8·0.9 + 0.2·0.1) = 0.72 / 0.74, above the bar of 0.9 that neither reaches alone.
        var routed = ConfidenceRouting.Route(1, null, false, Bar, Cap, new ModelOpinion(true, 0.8), workerSkill: 0.9);
        Assert.That(routed, Is.EqualTo(new RoutingDecision(0, 0.72 / 0.74, true)));
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, new ModelOpinion(true, 0.8)).MoreAnswers, Is.EqualTo(1),
            "a worker nothing is known about adds nothing");
        // Two answers at 0.8 and a model at 0.8 that agrees: 0.64 / 0.68, settled, not "closed by the model" (people answered twice).
        Assert.That(ConfidenceRouting.Route(2, 0.8, false, Bar, Cap, new ModelOpinion(true, 0.8)), Is.EqualTo(new RoutingDecision(0, 0.64 / 0.68, false)));
        // A model at 0.8 that disagrees with them counts against them: 0.8·0.2 against 0.2·0.8, a coin toss.
        Assert.That(ConfidenceRouting.Route(2, 0.8, false, Bar, Cap, new ModelOpinion(false, 0.8)), Is.EqualTo(new RoutingDecision(1, 0.5, false)),
            "a model that disagrees counts against the answers");
    }

    [Test]
    public void Several_answers_and_a_model_for_a_label_one_of_them_gave_are_weighed_together()
    {
        // Two labels: the answers 0.6 for theirs, the model 0.99 for its own: 0.99·0.4 against 0.6·0.01.
        var (forModel, forAnswers) = ConfidenceRouting.Weigh(0.99, 0.6, 2);
        Assert.That(forModel, Is.EqualTo(0.396 / 0.402).Within(1e-12));
        Assert.That(forAnswers, Is.EqualTo(0.006 / 0.402).Within(1e-12));
        Assert.That(ConfidenceRouting.Route(2, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.99, Supported: true)),
            Is.EqualTo(new RoutingDecision(0, forModel, false, TakesModelLabel: true)));
        Assert.That(ConfidenceRouting.Route(2, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.99)), Is.EqualTo(new RoutingDecision(1, forAnswers, false)),
            "a label no answer gave is never delivered: the model alone labels nothing");
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, new ModelOpinion(false, 0.99, true), workerSkill: 0.5).MoreAnswers, Is.EqualTo(1),
            "a lone answer against the model is asked again, never overruled");
        // Below the bar: one more answer. At the cap: the likelier of the two, 0.8·0.4 against 0.6·0.2.
        Assert.That(ConfidenceRouting.Route(2, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.8, true)), Is.EqualTo(new RoutingDecision(1, ConfidenceRouting.Weigh(0.8, 0.6, 2).ForAnswers, false)));
        Assert.That(ConfidenceRouting.Route(Cap, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.8, true)),
            Is.EqualTo(new RoutingDecision(0, 0.32 / 0.44, false, true)));
        Assert.That(ConfidenceRouting.Route(Cap, 0.9, false, Bar, Cap, new ModelOpinion(false, 0.6, true)), Is.EqualTo(new RoutingDecision(0, ConfidenceRouting.Weigh(0.6, 0.9, 2).ForAnswers, false)),
            "the answers' label when it is the likelier, at what the two together give it (0.9·0.4 against 0.1·0.6)");
        // Three labels: each spreads the rest of its belief over the other two: 0.9·0.4/2, 0.6·0.1/2 and 0.1·0.4/4 for the third.
        var (model3, answers3) = ConfidenceRouting.Weigh(0.9, 0.6, 3);
        Assert.That(model3, Is.EqualTo(0.18 / 0.22).Within(1e-12));
        Assert.That(answers3, Is.EqualTo(0.03 / 0.22).Within(1e-12));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfidenceRouting.Weigh(1.2, 0.5, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfidenceRouting.Weigh(0.5, double.NaN, 2));
    }

    [Test]
    public void Among_many_labels_the_answers_own_belief_in_the_models_label_is_weighed_not_an_even_share()
    {
        // Ten labels, one answer each way: the answers 0.6 for theirs and 0.35 for the model's (0.05 for the other eight);
        // the model 0.9 for its own, 0.1/9 for each other: 0.9·0.35 against 0.6·0.1/9 and 0.05·0.1/9.
        var (forModel, forAnswers) = ConfidenceRouting.Weigh(0.9, 0.6, 10, answersForModel: 0.35);
        var total = 0.9 * 0.35 + (0.6 + 0.05) * 0.1 / 9;
        Assert.That(forModel, Is.EqualTo(0.9 * 0.35 / total).Within(1e-12));
        Assert.That(forAnswers, Is.EqualTo(0.6 * 0.1 / 9 / total).Within(1e-12));
        // So the item settles on the model's label at two answers; with the answers' rest spread evenly (0.4/9 for the
        // model's label) it would not reach the bar and would be asked a third time.
        Assert.That(ConfidenceRouting.Route(2, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.9, true, 0.35), labelCount: 10),
            Is.EqualTo(new RoutingDecision(0, forModel, false, TakesModelLabel: true)));
        Assert.That(ConfidenceRouting.Weigh(0.9, 0.6, 10).ForModel, Is.LessThan(Bar));
        Assert.That(ConfidenceRouting.Route(2, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.9, true), labelCount: 10).MoreAnswers, Is.EqualTo(1));
        // Two labels: the answers' belief in the other label is all the rest, so it changes nothing.
        Assert.That(ConfidenceRouting.Weigh(0.99, 0.6, 2, 0.4), Is.EqualTo(ConfidenceRouting.Weigh(0.99, 0.6, 2)));
        Assert.That(ConfidenceRouting.Weigh(0.9, 0.7, 10, 0.30001).ForModel, Is.EqualTo(ConfidenceRouting.Weigh(0.9, 0.7, 10, 0.3).ForModel).Within(1e-12),
            "no more than the answers' own label leaves (their confidence is stored rounded, their posterior is not)");
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfidenceRouting.Weigh(0.9, 0.7, 10, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfidenceRouting.Weigh(0.9, 0.7, 10, double.NaN));
    }

    [Test]
    public void Answers_that_agree_with_each_other_against_a_confident_model_are_not_yet_settled()
    {
        // Two answers at 0.97 for one label, the model 0.95 for another that neither gave: 0.97·0.05 against 0.03·0.95.
        var against = new ModelOpinion(false, 0.95);
        var weighed = 0.97 * 0.05 / (0.97 * 0.05 + 0.03 * 0.95);
        Assert.That(ConfidenceRouting.Route(2, 0.97, false, Bar, Cap, against), Is.EqualTo(new RoutingDecision(1, weighed, false)));
        Assert.That(ConfidenceRouting.Route(Cap, 0.97, false, Bar, Cap, against), Is.EqualTo(new RoutingDecision(0, weighed, false)),
            "at the cap the answers' label is delivered, at the confidence the two together give it");
        // Among more labels the answers' confidence stands as it is (Dawid-Skene's is understated there already).
        Assert.That(ConfidenceRouting.Route(2, 0.97, false, Bar, Cap, against, labelCount: 10), Is.EqualTo(new RoutingDecision(0, 0.97, false)));
    }

    [Test]
    public void An_item_the_model_is_unsure_of_gets_one_more_answer_a_round_up_to_the_cap()
    {
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, new ModelOpinion(true, 0.6)).MoreAnswers, Is.EqualTo(1));
        Assert.That(ConfidenceRouting.Route(2, 0.5, false, Bar, Cap, new ModelOpinion(false, 0.6)).MoreAnswers, Is.EqualTo(1));
        Assert.That(ConfidenceRouting.Route(Cap, 0.6, false, Bar, Cap, new ModelOpinion(false, 0.6)).MoreAnswers, Is.Zero, "never past the cap");
        Assert.That(ConfidenceRouting.Route(3, 1.0, false, Bar, Cap, new ModelOpinion(false, 0.6)), Is.EqualTo(new RoutingDecision(0, 1.0, false)),
            "people who agree settle it as before");
    }

    [Test]
    public void Without_a_model_score_dynamic_overlap_asks_for_one_answer_at_a_time_as_before()
    {
        Assert.That(ConfidenceRouting.Route(1, null, false, Bar, Cap, model: null), Is.EqualTo(new RoutingDecision(1, null, false)));
        Assert.That(ConfidenceRouting.Route(2, 0.95, false, Bar, Cap, model: null), Is.EqualTo(new RoutingDecision(0, 0.95, false)));
        Assert.That(ConfidenceRouting.Route(1, 0.95, vouched: true, Bar, Cap, model: null).MoreAnswers, Is.Zero, "gold still vouches without a model");
    }

    [Test]
    public void A_worker_worse_than_chance_does_not_let_one_agreeing_answer_close_a_confident_item()
    {
        var routed = ConfidenceRouting.Route(1, null, false, Bar, Cap, new ModelOpinion(true, 0.92), workerSkill: 0.3, labelCount: 2);
        Assert.That(routed.ClosedByModel, Is.False);
        Assert.That(routed.MoreAnswers, Is.EqualTo(1));
    }

    [Test]
    public void The_combined_confidence_is_the_models_score_for_a_worker_of_unknown_or_chance_skill_and_never_certain()
    {
        Assert.That(ConfidenceRouting.Combine(0.93, null, 2), Is.EqualTo(0.93));
        Assert.That(ConfidenceRouting.Combine(0.93, 1.0 / 3, 3), Is.EqualTo(0.93).Within(1e-12), "chance among three labels adds nothing");
        Assert.That(ConfidenceRouting.Combine(0.93, 0.9, 3), Is.GreaterThan(0.93));
        Assert.That(ConfidenceRouting.Combine(0.9, 1.0, 2), Is.LessThan(1.0), "skill is capped below 1");
        Assert.That(() => ConfidenceRouting.Combine(1.2, 0.8, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ConfidenceRouting.Combine(0.9, 0.8, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_third_of_the_gold_slots_and_at_least_one_carry_a_planted_suggestion()
    {
        Assert.That(new[] { 0, 1, 2, 3, 4, 6, 7, 30 }.Select(PlantedSuggestion.Count), Is.EqualTo(new[] { 0, 1, 1, 1, 2, 2, 3, 10 }));
    }

    [Test]
    public void A_planted_suggestion_is_never_the_gold_answer_and_the_same_slot_always_gets_the_same()
    {
        var single = new TaskTemplate(TaskTypes.TextClassification, ["positive", "negative", "neutral"], false, []);
        var multi = new TaskTemplate(TaskTypes.ImageClassification, ["cat", "dog", "bird"], true, []);
        using var gold = JsonDocument.Parse("\"positive\"");
        using var goldSet = JsonDocument.Parse("[\"dog\"]");
        for (var i = 0; i < 200; i++)
        {
            var slot = Guid.NewGuid();
            var wrong = PlantedSuggestion.WrongLabelJson(single, gold.RootElement, slot);
            Assert.That(wrong, Is.Not.EqualTo("\"positive\"").And.EqualTo(PlantedSuggestion.WrongLabelJson(single, gold.RootElement, slot)));
            using var set = JsonDocument.Parse(PlantedSuggestion.WrongLabelJson(multi, goldSet.RootElement, slot));
            Assert.That(GoldMix.Matches(multi, set.RootElement, goldSet.RootElement), Is.False);
            Assert.That(set.RootElement.GetArrayLength(), Is.GreaterThan(0), "never an empty set");
        }
        Assert.That(PlantedSuggestion.CanPlant(new TaskTemplate(TaskTypes.BoundingBoxes, ["car"], false, [])), Is.False);
    }
}
