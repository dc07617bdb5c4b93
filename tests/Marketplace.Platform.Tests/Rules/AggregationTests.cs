using Marketplace.Labeling.Aggregation;

namespace Marketplace.Platform.Tests.Rules;

public class AggregationTests
{
    private static readonly Guid Ann = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bo = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cy = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid Di = Guid.Parse("00000000-0000-0000-0000-00000000000d");
    private static readonly Guid Ed = Guid.Parse("00000000-0000-0000-0000-00000000000e");
    private static readonly string[] Pets = ["cat", "dog", "bird"];
    private static readonly string[] AB = ["A", "B"];

    private static CategoricalAnswer Said(string item, Guid worker, string label) => new(item, worker, label);

    // ---- Majority vote ----

    [Test]
    public void Majority_vote_takes_the_most_chosen_label_with_its_share_of_the_votes()
    {
        var items = MajorityVote.Aggregate([Said("x", Ann, "dog"), Said("x", Bo, "cat"), Said("x", Cy, "dog")], Pets);

        Assert.That(items, Has.Count.EqualTo(1));
        Assert.That(items[0].Label, Is.EqualTo("dog"));
        Assert.That(items[0].Confidence, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(items[0].Answers, Is.EqualTo(3));
    }

    [Test]
    public void A_majority_tie_goes_to_the_label_listed_first_in_the_label_set()
    {
        var items = MajorityVote.Aggregate(
            [Said("x", Ann, "dog"), Said("x", Bo, "cat"), Said("y", Ann, "bird"), Said("y", Bo, "dog"), Said("y", Cy, "bird"), Said("y", Di, "dog")], Pets);

        Assert.That(items.Select(i => (i.ItemId, i.Label, i.Confidence)), Is.EqualTo(new[] { ("x", "cat", 0.5), ("y", "dog", 0.5) }));
    }

    [Test]
    public void An_answer_outside_the_label_set_is_refused() =>
        Assert.That(() => MajorityVote.Aggregate([Said("x", Ann, "fish")], Pets), Throws.ArgumentException.With.Message.Contains("fish"));

    [Test]
    public void A_label_set_with_a_label_twice_is_refused() =>
        Assert.That(() => DawidSkene.Aggregate([Said("x", Ann, "cat")], ["cat", "dog", "cat"]), Throws.ArgumentException);

    // ---- Dawid-Skene ----

    /// <summary>
    /// Ann, Bo and Cy answer six items right; Di and Ed answer B to everything. On item x only Ann, Di and Ed answer:
    /// Ann says A, the two constant answerers say B. Their B carries almost no information (they say it whatever the
    /// truth), so after EM Ann's A wins. By hand at the fixed point (pseudo-counts included): Ann's P(A|A) ≈ 5.8/6.8 and
    /// P(A|B) ≈ 1.25/6.25; Di's P(B|A) ≈ 4.8/6.8 and P(B|B) ≈ 5.25/6.25; priors ≈ 0.53/0.47; so the odds for A are
    /// (0.53 × 0.85 × 0.71²) / (0.47 × 0.20 × 0.84²) ≈ 3.3, a posterior of about 0.77.
    /// </summary>
    [Test]
    public void A_reliable_worker_outvotes_two_constant_answerers_once_EM_has_learnt_who_they_are()
    {
        var answers = new List<CategoricalAnswer>();
        for (var n = 0; n < 6; n++)
        {
            var truth = n % 2 == 0 ? "A" : "B";
            answers.AddRange([Said($"i{n}", Ann, truth), Said($"i{n}", Bo, truth), Said($"i{n}", Cy, truth), Said($"i{n}", Di, "B"), Said($"i{n}", Ed, "B")]);
        }
        answers.AddRange([Said("x", Ann, "A"), Said("x", Di, "B"), Said("x", Ed, "B")]);

        var majority = MajorityVote.Aggregate(answers, AB).Single(i => i.ItemId == "x");
        var result = DawidSkene.Aggregate(answers, AB);
        var x = result.Items.Single(i => i.ItemId == "x");
        var skill = result.Workers.ToDictionary(w => w.WorkerId, w => w.Accuracy);

        Assert.That(majority.Label, Is.EqualTo("B"));
        Assert.That(x.Label, Is.EqualTo("A"));
        Assert.That(x.Confidence, Is.EqualTo(0.77).Within(0.02));
        Assert.That(result.Items.Where(i => i.ItemId != "x").Select(i => i.Label), Is.EqualTo(new[] { "A", "B", "A", "B", "A", "B" }));
        Assert.That(skill[Ann], Is.GreaterThan(0.75));
        Assert.That(skill[Di], Is.EqualTo(0.5).Within(0.1), "a constant answerer is right half the time on a half-and-half crowd");
        Assert.That(result.Converged, Is.True);
    }

    [Test]
    public void Gold_items_teach_which_of_two_disagreeing_workers_to_trust()
    {
        var answers = Enumerable.Range(0, 10).SelectMany(n => new[] { Said($"i{n}", Ann, "A"), Said($"i{n}", Bo, "B") }).ToList();
        var gold = new Dictionary<string, string> { ["i0"] = "B", ["i1"] = "B", ["i2"] = "B" };

        var majority = MajorityVote.Aggregate(answers, AB);
        var result = DawidSkene.Aggregate(answers, AB, gold);
        var skill = result.Workers.ToDictionary(w => w.WorkerId, w => w.Accuracy);

        Assert.That(majority.Select(i => i.Label), Is.All.EqualTo("A"), "a tie goes to the first label");
        Assert.That(result.Items.Select(i => i.Label), Is.All.EqualTo("B"));
        Assert.That(result.Items.Where(i => gold.ContainsKey(i.ItemId)).Select(i => i.Confidence), Is.All.EqualTo(1.0));
        Assert.That(result.Items.Where(i => !gold.ContainsKey(i.ItemId)).Select(i => i.Confidence), Is.All.GreaterThan(0.6));
        Assert.That(skill[Bo], Is.GreaterThan(skill[Ann]));
    }

    [Test]
    public void A_gold_label_outside_the_label_set_is_refused() =>
        Assert.That(() => DawidSkene.Aggregate([Said("x", Ann, "A")], AB, new Dictionary<string, string> { ["x"] = "C" }),
            Throws.ArgumentException.With.Message.Contains("'C'"));

    /// <summary>
    /// One item, one answer ("dog"), from a worker who answered nothing else: nothing can be learnt about the worker (an
    /// item answered by one worker alone teaches nothing), so the prior skill decides: one pseudo-count per cell and one
    /// more on the diagonal give P(dog | dog) = 2/4 and P(dog | cat) = P(dog | bird) = 1/4, with even label shares, so
    /// the answer wins at 0.5 / (0.5 + 0.25 + 0.25) = 0.5, and the worker's skill is 0.5.
    /// </summary>
    [Test]
    public void A_lone_answer_from_a_worker_with_no_track_record_wins_without_certainty()
    {
        var result = DawidSkene.Aggregate([Said("x", Ann, "dog")], Pets);

        Assert.That(result.Items.Single().Label, Is.EqualTo("dog"));
        Assert.That(result.Items.Single().Confidence, Is.EqualTo(0.5).Within(1e-9));
        Assert.That(result.Workers.Single().Accuracy, Is.EqualTo(0.5).Within(1e-9));
        Assert.That(result.Workers.Single().Evidence, Is.Zero);
        Assert.That(result.ClassPriors, Is.All.EqualTo(1.0 / 3).Within(1e-9));
    }

    /// <summary>
    /// A 69/31 crowd where one worker always gives the commonest label. Weighted by the labels' shares, that worker's
    /// skill would be about 0.69, above honest workers who are right 70% of the time on each label; the balanced
    /// accuracy (the average of the per-label accuracies) puts them at a coin toss, below every honest worker.
    /// </summary>
    [Test]
    public void A_worker_who_always_gives_the_commonest_label_scores_a_coin_toss_below_every_honest_worker()
    {
        var rng = new Random(31);
        var honest = Enumerable.Range(0, 6).Select(n => (Id: Guid.NewGuid(), Accuracy: 0.70 + 0.05 * n)).ToList();
        var constant = Guid.NewGuid();
        var answers = new List<CategoricalAnswer>();
        for (var i = 0; i < 600; i++)
        {
            var truth = rng.NextDouble() < 0.69 ? "A" : "B";
            answers.Add(Said($"i{i}", constant, "A"));
            foreach (var (id, accuracy) in honest.OrderBy(_ => rng.Next()).Take(2))
                answers.Add(Said($"i{i}", id, rng.NextDouble() < accuracy ? truth : truth == "A" ? "B" : "A"));
        }

        var skill = DawidSkene.Aggregate(answers, AB).Workers.ToDictionary(w => w.WorkerId, w => w.Accuracy);
        TestContext.Out.WriteLine($"constant answerer {skill[constant]:F3}; honest {string.Join(", ", honest.Select(h => $"{h.Accuracy:F2}→{skill[h.Id]:F3}"))}");

        Assert.That(skill[constant], Is.EqualTo(0.5).Within(0.03));
        Assert.That(skill[constant], Is.LessThan(honest.Min(h => skill[h.Id]) - 0.1));
        foreach (var (id, accuracy) in honest) Assert.That(skill[id], Is.EqualTo(accuracy).Within(0.08), $"an honest worker right {accuracy:P0} of the time");
    }

    [Test]
    public void A_lone_answer_claims_a_confidence_only_from_a_skill_learnt_elsewhere_and_settles_alone_only_on_gold()
    {
        var answers = new List<CategoricalAnswer>();
        var gold = new Dictionary<string, string>();
        for (var g = 0; g < 5; g++)
        {
            gold[$"g{g}"] = g % 2 == 0 ? "A" : "B";
            answers.Add(Said($"g{g}", Ann, gold[$"g{g}"]));
        }
        for (var n = 0; n < 6; n++) answers.AddRange([Said($"s{n}", Bo, n % 2 == 0 ? "A" : "B"), Said($"s{n}", Cy, n % 2 == 0 ? "A" : "B")]);
        answers.AddRange([Said("by-ann", Ann, "B"), Said("by-bo", Bo, "A"), Said("by-di", Di, "A")]);
        foreach (var n in Enumerable.Range(0, 3)) answers.Add(Said($"di-{n}", Di, "A"));

        var result = SingleLabelAggregation.Aggregate(answers, AB, gold, minimumAnswers: 0, goldToVouch: 5);
        var item = result.Items.ToDictionary(i => i.ItemId);

        Assert.That(item["by-ann"].Method, Is.EqualTo(AggregationMethods.DawidSkene));
        Assert.That((item["by-ann"].Label, item["by-ann"].Vouched), Is.EqualTo(("B", true)), "Ann is measured on five gold items");
        Assert.That(item["by-ann"].Confidence, Is.GreaterThan(0.8));
        Assert.That(item["by-bo"].Confidence, Is.Not.Null, "Bo's skill is learnt from the items Cy answered too");
        Assert.That(item["by-bo"].Vouched, Is.False, "but not on gold");
        Assert.That(item["by-di"].Confidence, Is.Null, "Di answered only alone: nothing vouches for the answer");
        Assert.That(DynamicOverlap.Decide(1, item["by-ann"].Confidence, 0.8, 3, item["by-ann"].Vouched).NeedsMore, Is.False);
        Assert.That(DynamicOverlap.Decide(1, item["by-bo"].Confidence, 0.5, 3, item["by-bo"].Vouched).NeedsMore, Is.True);
        Assert.That(DynamicOverlap.Decide(1, item["by-di"].Confidence, 0.5, 3, item["by-di"].Vouched).NeedsMore, Is.True);

        var majority = SingleLabelAggregation.Aggregate([Said("x", Ann, "A"), Said("y", Bo, "B"), Said("y", Cy, "B")], AB, new Dictionary<string, string>(), 0, 5);
        Assert.That(majority.Items.Select(i => (i.ItemId, i.Method, i.Confidence)),
            Is.EqualTo(new (string, string, double?)[] { ("x", AggregationMethods.MajorityVote, null), ("y", AggregationMethods.MajorityVote, 1.0) }),
            "too few answers for Dawid-Skene; one vote is no confidence");
    }

    [Test]
    public void A_label_nobody_chose_keeps_a_small_prior_and_is_never_the_answer()
    {
        var answers = Enumerable.Range(0, 20).SelectMany(n =>
            new[] { Said($"i{n}", Ann, n < 12 ? "cat" : "dog"), Said($"i{n}", Bo, n < 12 ? "cat" : "dog"), Said($"i{n}", Cy, n % 5 == 0 ? "dog" : n < 12 ? "cat" : "dog") }).ToList();

        var result = DawidSkene.Aggregate(answers, Pets);

        Assert.That(result.ClassPriors.Sum(), Is.EqualTo(1).Within(1e-9));
        Assert.That(result.ClassPriors[2], Is.GreaterThan(0).And.LessThan(0.05));
        Assert.That(result.Items.Select(i => i.Label), Is.EqualTo(Enumerable.Range(0, 20).Select(n => n < 12 ? "cat" : "dog")));
        Assert.That(result.Items.Select(i => i.Confidence), Is.All.InRange(0.5, 1.0));
    }

    [Test]
    public void Em_stops_at_its_iteration_cap_when_told_to()
    {
        var crowd = SimulatedCrowd.Create(seed: 11, workers: 20);
        var answers = crowd.Answer(items: 300, minOverlap: 3, maxOverlap: 3);

        var capped = DawidSkene.Aggregate(answers, SimulatedCrowd.Labels, options: new DawidSkeneOptions(MaxIterations: 2));
        var full = DawidSkene.Aggregate(answers, SimulatedCrowd.Labels);

        Assert.That((capped.Iterations, capped.Converged), Is.EqualTo((2, false)));
        Assert.That(full.Converged, Is.True);
        Assert.That(full.Iterations, Is.GreaterThan(2).And.LessThan(100));
    }

    // ---- Simulated crowd ----

    [Test]
    public void On_a_crowd_with_30_percent_random_answerers_Dawid_Skene_is_more_accurate_than_majority_vote()
    {
        var crowd = SimulatedCrowd.Create(seed: 20240601, workers: 50);
        var answers = crowd.Answer(items: 2_000, minOverlap: 3, maxOverlap: 5);

        var majority = crowd.Accuracy(MajorityVote.Aggregate(answers, SimulatedCrowd.Labels));
        var dawidSkene = crowd.Accuracy(DawidSkene.Aggregate(answers, SimulatedCrowd.Labels).Items);
        TestContext.Out.WriteLine($"{answers.Count} answers on 2000 items: majority vote {majority:P1}, Dawid-Skene {dawidSkene:P1}");

        Assert.That(dawidSkene, Is.GreaterThan(majority + 0.03));
        Assert.That(dawidSkene, Is.GreaterThan(0.9));
    }

    [Test]
    public void Dawid_Skene_tells_the_random_answerers_from_the_good_workers()
    {
        var crowd = SimulatedCrowd.Create(seed: 20240601, workers: 50);
        var answers = crowd.Answer(items: 2_000, minOverlap: 3, maxOverlap: 5);

        var skill = DawidSkene.Aggregate(answers, SimulatedCrowd.Labels).Workers.ToDictionary(w => w.WorkerId, w => w.Accuracy);
        var random = crowd.RandomAnswerers.Select(w => skill[w]).ToList();
        var good = crowd.GoodWorkers.Select(w => skill[w]).ToList();
        TestContext.Out.WriteLine($"estimated accuracy: random answerers {random.Min():F2}..{random.Max():F2}, good workers {good.Min():F2}..{good.Max():F2}");

        Assert.That(random, Has.Count.EqualTo(15));
        Assert.That(random.Max(), Is.LessThan(good.Min()));
        Assert.That(random.Average(), Is.EqualTo(0.25).Within(0.1), "a random answerer is right a quarter of the time with four labels");
    }

    [Test]
    public void A_hundred_thousand_answers_are_aggregated_with_gold_anchoring_the_skills()
    {
        var crowd = SimulatedCrowd.Create(seed: 5, workers: 400);
        var answers = crowd.Answer(items: 30_000, minOverlap: 3, maxOverlap: 4);
        var gold = crowd.Truth.Where((_, n) => n % 50 == 0).ToDictionary(t => t.Key, t => t.Value);

        var majority = MajorityVote.Aggregate(answers, SimulatedCrowd.Labels);
        var result = DawidSkene.Aggregate(answers, SimulatedCrowd.Labels, gold);
        TestContext.Out.WriteLine($"{answers.Count} answers: majority vote {crowd.Accuracy(majority):P1}, Dawid-Skene {crowd.Accuracy(result.Items):P1} in {result.Iterations} rounds");

        Assert.That(answers, Has.Count.GreaterThan(100_000));
        Assert.That(result.Items, Has.Count.EqualTo(30_000));
        Assert.That(result.Converged, Is.True);
        Assert.That(result.Items.Where(i => gold.ContainsKey(i.ItemId)).All(i => i.Label == gold[i.ItemId] && i.Confidence == 1), Is.True);
        Assert.That(crowd.Accuracy(result.Items), Is.GreaterThan(crowd.Accuracy(majority) + 0.03));
    }

    [Test]
    public void Under_routing_by_a_model_the_workers_skills_are_learnt_with_the_model_as_a_witness()
    {
        // As confidence routing asks: one answer an item, a second only where it disagrees with the model (right 85% of the
        // time, and says so), a third where the two answers differ. The first answers on items with several are then
        // mostly wrong ones.
        var crowd = SimulatedCrowd.Create(seed: 4242, workers: 15);
        var rng = new Random(7);
        var answers = crowd.Answer(items: 6_000, minOverlap: 1, maxOverlap: 1);
        var model = new Dictionary<string, ModelWitness>();
        foreach (var (item, truth) in crowd.Truth)
        {
            var label = rng.NextDouble() < 0.85 ? truth : SimulatedCrowd.Labels.Where(l => l != truth).ElementAt(rng.Next(3));
            model[item] = new ModelWitness(label, 0.85);
        }
        foreach (var first in answers.ToList())
        {
            if (first.Label == model[first.ItemId].Label) continue;
            var second = crowd.OneMoreAnswer(first.ItemId, answers);
            answers.Add(second);
            if (second.Label != first.Label) answers.Add(crowd.OneMoreAnswer(first.ItemId, answers));
        }

        // The same crowd asked three times an item whatever they answer, as many answers as the routed ones that can teach
        // (all but the first on each item): what the smoothing of the skills alone takes off them (rarer labels are seen less).
        var unrouted = SimulatedCrowd.Create(seed: 4242, workers: 15);
        var everyItemThrice = unrouted.Answer(items: (answers.Count - crowd.Truth.Count) / 3, minOverlap: 3, maxOverlap: 3);

        static double Understated(SimulatedCrowd crowd, DawidSkeneResult result) =>
            crowd.GoodWorkers.Average(w => crowd.TrueAccuracy(w) - result.Workers.Single(s => s.WorkerId == w).Accuracy);
        var reference = Understated(unrouted, DawidSkene.Aggregate(everyItemThrice, SimulatedCrowd.Labels));
        var alone = Understated(crowd, DawidSkene.Aggregate(answers, SimulatedCrowd.Labels));
        var witnessed = DawidSkene.Aggregate(answers, SimulatedCrowd.Labels, model: model);
        TestContext.Out.WriteLine($"{answers.Count} answers; honest workers' skill understated by {alone:F3} alone, {Understated(crowd, witnessed):F3} with the model, {reference:F3} unrouted");

        Assert.That(alone - reference, Is.GreaterThan(0.05), "the answers alone understate the honest workers");
        Assert.That(Understated(crowd, witnessed) - reference, Is.InRange(-0.03, 0.03));
    }

    [Test]
    public void A_model_witness_teaches_the_skills_but_leaves_the_items_labels_to_the_answers()
    {
        // Ann and Bo equally good on gold; on x they split, and a model all but sure sides with Bo.
        var answers = Enumerable.Range(0, 10).SelectMany(n => new[] { Said($"g{n}", Ann, n % 2 == 0 ? "A" : "B"), Said($"g{n}", Bo, n % 2 == 0 ? "A" : "B") })
            .Concat([Said("x", Ann, "A"), Said("x", Bo, "B")]).ToList();
        var gold = Enumerable.Range(0, 10).ToDictionary(n => $"g{n}", n => n % 2 == 0 ? "A" : "B");

        var x = DawidSkene.Aggregate(answers, AB, gold, model: new Dictionary<string, ModelWitness> { ["x"] = new("B", 0.99) }).Items.Single(i => i.ItemId == "x");

        Assert.That(x.Confidence, Is.EqualTo(0.5).Within(0.05), "the model is weighed by whoever routes the item, not here too");
    }

    [Test]
    public void A_model_witness_with_a_score_out_of_range_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DawidSkene.Aggregate([Said("x", Ann, "A"), Said("x", Bo, "B")], AB, model: new Dictionary<string, ModelWitness> { ["x"] = new("A", 1.5) }));

    // ---- Multi-label ----

    [Test]
    public void A_multi_label_answer_becomes_a_yes_or_no_per_label()
    {
        var yes = MultiLabel.Question([new MultiLabelAnswer("x", Ann, ["cat", "bird"]), new MultiLabelAnswer("x", Bo, ["dog"])], "bird");

        Assert.That(yes.Select(a => (a.WorkerId, a.Label)), Is.EqualTo(new[] { (Ann, MultiLabel.Yes), (Bo, MultiLabel.No) }));
    }

    [Test]
    public void A_multi_label_item_keeps_the_labels_most_workers_picked()
    {
        MultiLabelAnswer Picked(string item, Guid worker, params string[] labels) => new(item, worker, labels);
        var answers = new[]
        {
            Picked("x", Ann, "cat", "dog"), Picked("x", Bo, "cat", "dog"), Picked("x", Cy, "cat", "bird"),
            Picked("y", Ann, "bird"), Picked("y", Bo, "bird"), Picked("y", Cy, "dog"),
            Picked("z", Ann, "cat"), Picked("z", Bo, "dog"), Picked("z", Cy, "bird"),
        };

        var items = MultiLabel.Aggregate(answers, Pets);

        Assert.That(items.Select(i => i.ItemId), Is.EqualTo(new[] { "x", "y", "z" }));
        Assert.That(items[0].Labels, Is.EqualTo(new[] { "cat", "dog" }));
        Assert.That(items[1].Labels, Is.EqualTo(new[] { "bird" }));
        Assert.That(items[2].Labels, Has.Count.EqualTo(1), "no label passed, so the likeliest one stays");
        Assert.That(items[0].Present[0], Is.GreaterThan(items[0].Present[1]), "three picked cat, two picked dog");
        Assert.That(items[0].Present[2], Is.LessThan(0.5));
        Assert.That(items[0].Confidence, Is.EqualTo(items[0].Present.Min(p => Math.Max(p, 1 - p))).Within(1e-12));
    }

    // ---- Bradley-Terry ----

    /// <summary>With two responses the fitted probability is the win share, imaginary games included: (3 + ½) / (4 + 1).</summary>
    [Test]
    public void Two_responses_ranked_three_to_one_give_the_win_share_with_the_prior_games()
    {
        var ranking = BradleyTerry.Aggregate(2, [[0, 1], [0, 1], [1, 0], [0, 1]]);

        Assert.That(ranking.Order, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(ranking.Confidence, Is.EqualTo(0.7).Within(1e-9));
        Assert.That(ranking.Strengths[0] / ranking.Strengths[1], Is.EqualTo(3.5 / 1.5).Within(1e-7));
    }

    [Test]
    public void Unanimous_rankings_give_their_order_with_finite_strengths()
    {
        var ranking = BradleyTerry.Aggregate(4, [[2, 0, 3, 1], [2, 0, 3, 1], [2, 0, 3, 1]]);

        Assert.That(ranking.Order, Is.EqualTo(new[] { 2, 0, 3, 1 }));
        Assert.That(ranking.Strengths, Has.All.GreaterThan(0).And.All.Matches<double>(double.IsFinite));
        Assert.That(ranking.Confidence, Is.GreaterThan(0.7).And.LessThan(1));
    }

    [Test]
    public void A_perfect_cycle_leaves_the_responses_equal_and_the_winner_a_coin_toss()
    {
        var ranking = BradleyTerry.Aggregate(3, [[0, 1, 2], [1, 2, 0], [2, 0, 1]]);

        Assert.That(ranking.Strengths, Has.All.EqualTo(1.0).Within(1e-6));
        Assert.That(ranking.Order, Is.EqualTo(new[] { 0, 1, 2 }), "equal strengths keep the lower index first");
        Assert.That(ranking.Confidence, Is.EqualTo(0.5).Within(1e-6));
    }

    [Test]
    public void More_agreement_gives_more_confidence()
    {
        var split = BradleyTerry.Aggregate(3, [[0, 1, 2], [1, 0, 2], [0, 1, 2]]);
        var agreed = BradleyTerry.Aggregate(3, [[0, 1, 2], [0, 1, 2], [0, 1, 2]]);

        Assert.That(split.Order[0], Is.EqualTo(0));
        Assert.That(agreed.Confidence, Is.GreaterThan(split.Confidence));
    }

    [Test]
    public void An_item_nobody_ranked_keeps_its_given_order_at_a_coin_toss()
    {
        var ranking = BradleyTerry.Aggregate(3, []);

        Assert.That((ranking.Order, ranking.Confidence), Is.EqualTo((new[] { 0, 1, 2 }, 0.5)));
    }

    [TestCase(new[] { 0, 3 })]
    [TestCase(new[] { 1, 1, 0 })]
    [TestCase(new[] { -1, 0 })]
    public void A_ranking_that_names_a_missing_response_or_one_twice_is_refused(int[] ranking) =>
        Assert.That(() => BradleyTerry.Aggregate(3, [ranking]), Throws.ArgumentException);

    [Test]
    public void Bradley_Terry_recovers_known_strengths_from_noisy_rankings_and_is_surer_where_it_is_right()
    {
        var rng = new Random(424242);
        const int items = 500;
        int recoveredOrder = 0, recoveredTop = 0;
        var confidenceRight = new List<double>();
        var confidenceWrong = new List<double>();
        for (var item = 0; item < items; item++)
        {
            // Four responses whose true log-strengths are 0, 1.5, 3 and 4.5 in a random arrangement: a worker puts the
            // better of two neighbours first 82% of the time.
            var logStrength = new[] { 0.0, 1.5, 3.0, 4.5 }.OrderBy(_ => rng.Next()).ToArray();
            var rankings = Enumerable.Range(0, 5).Select(_ => PlackettLuce(rng, logStrength)).ToList();
            var truth = Enumerable.Range(0, 4).OrderByDescending(r => logStrength[r]).ToArray();

            var ranking = BradleyTerry.Aggregate(4, rankings);
            if (ranking.Order.SequenceEqual(truth)) recoveredOrder++;
            if (ranking.Order[0] == truth[0]) recoveredTop++;
            (ranking.Order[0] == truth[0] ? confidenceRight : confidenceWrong).Add(ranking.Confidence);
        }
        TestContext.Out.WriteLine($"true order recovered on {recoveredOrder} of {items} items, true best on {recoveredTop}; "
            + $"mean confidence {confidenceRight.Average():F2} where the best is right, {confidenceWrong.Average():F2} where it is wrong");

        Assert.That(recoveredOrder, Is.GreaterThan(items * 0.75));
        Assert.That(recoveredTop, Is.GreaterThan(items * 0.9));
        Assert.That(confidenceRight.Average(), Is.GreaterThan(confidenceWrong.Average() + 0.05));
    }

    /// <summary>A worker's ranking under the Plackett-Luce model: each place goes to a remaining response with odds proportional to its strength.</summary>
    private static int[] PlackettLuce(Random rng, double[] logStrength)
    {
        var left = Enumerable.Range(0, logStrength.Length).ToList();
        var ranking = new List<int>();
        while (left.Count > 0)
        {
            var draw = rng.NextDouble() * left.Sum(r => Math.Exp(logStrength[r]));
            var pick = left[^1];
            foreach (var r in left)
                if ((draw -= Math.Exp(logStrength[r])) < 0) { pick = r; break; }
            ranking.Add(pick);
            left.Remove(pick);
        }
        return [.. ranking];
    }

    // ---- Dynamic overlap ----

    [TestCase(3, 0.6, 0.8, 5, true, 2, TestName = "Below the bar with room under the cap: one more, at most two")]
    [TestCase(3, 0.85, 0.8, 5, false, 0, TestName = "Above the bar: no more")]
    [TestCase(3, 0.8, 0.8, 5, false, 0, TestName = "Exactly at the bar: no more")]
    [TestCase(5, 0.6, 0.8, 5, false, 0, TestName = "At the cap: no more however doubtful")]
    [TestCase(6, 0.6, 0.8, 5, false, 0, TestName = "Past a lowered cap: no more")]
    [TestCase(0, 1.0, 0.8, 3, true, 3, TestName = "No answers yet: needs one whatever the confidence says")]
    [TestCase(1, 0.5, 0.9, 9, true, 8, TestName = "One doubtful answer under the largest cap: up to eight more")]
    [TestCase(1, 0.99, 0.9, 3, true, 2, TestName = "One sure answer that nothing vouches for: one more")]
    [TestCase(1, 1.0, 0.9, 1, false, 0, TestName = "One answer at a cap of one: no more")]
    [TestCase(2, null, 0.8, 4, true, 2, TestName = "No confidence claimed: one more")]
    public void Dynamic_overlap_asks_for_one_more_answer_below_the_bar_until_the_cap(
        int answers, double? confidence, double bar, int cap, bool needsMore, int mostMore) =>
        Assert.That(DynamicOverlap.Decide(answers, confidence, bar, cap), Is.EqualTo(new OverlapDecision(needsMore, mostMore)));

    [Test]
    public void One_answer_settles_an_item_only_when_vouched_for() =>
        Assert.That((DynamicOverlap.Decide(1, 0.95, 0.9, 3, vouched: true), DynamicOverlap.Decide(1, 0.85, 0.9, 3, vouched: true)),
            Is.EqualTo((new OverlapDecision(false, 0), new OverlapDecision(true, 2))));

    /// <summary>
    /// The crowd that broke it: one answer per item to start (the default overlap), labels 69/31, honest workers right 70
    /// to 95% of the time and a third of the crowd spammers who always give the commonest label. Before, Dawid-Skene
    /// drifted to the commonest label at 99% confidence after one answer, dynamic overlap stopped there, and the order
    /// was delivered at 69% accuracy with none of the rarer items found.
    /// </summary>
    [Test]
    public void With_one_answer_per_item_and_spammers_of_the_commonest_label_dynamic_overlap_still_finds_the_rare_items()
    {
        const double bar = 0.9;
        const int cap = 5;
        string[] labels = ["ok", "defect"];
        var rng = new Random(2026);
        var workers = Enumerable.Range(0, 15).Select(n => (Id: Guid.NewGuid(), Accuracy: n < 5 ? -1 : 0.70 + 0.25 * rng.NextDouble())).ToList();
        var truth = Enumerable.Range(0, 1_000).ToDictionary(i => $"item-{i}", _ => rng.NextDouble() < 0.69 ? "ok" : "defect");
        var answers = new List<CategoricalAnswer>();
        void Answer(string item)
        {
            var done = answers.Where(a => a.ItemId == item).Select(a => a.WorkerId).ToHashSet();
            var (id, accuracy) = workers.Where(w => !done.Contains(w.Id)).OrderBy(_ => rng.Next()).First();
            var said = accuracy < 0 ? "ok" : rng.NextDouble() < accuracy ? truth[item] : truth[item] == "ok" ? "defect" : "ok";
            answers.Add(new CategoricalAnswer(item, id, said));
        }
        foreach (var item in truth.Keys) Answer(item);
        var empty = new Dictionary<string, string>();

        var first = SingleLabelAggregation.Aggregate(answers, labels, empty, minimumAnswers: 100, goldToVouch: 5);
        Assert.That(first.Items.Count(i => DynamicOverlap.Decide(i.Answers, i.Confidence, bar, cap, i.Vouched).NeedsMore), Is.EqualTo(1_000),
            "one answer per item settles nothing");
        Assert.That(first.Items.Where(i => i.Confidence is not null), Is.Empty, "and claims no confidence");

        IReadOnlyList<SingleLabelDecision> labelled;
        var rounds = 0;
        while (true)
        {
            labelled = SingleLabelAggregation.Aggregate(answers, labels, empty, minimumAnswers: 100, goldToVouch: 5).Items;
            var doubtful = labelled.Where(i => DynamicOverlap.Decide(i.Answers, i.Confidence, bar, cap, i.Vouched).NeedsMore).ToList();
            if (doubtful.Count == 0) break;
            foreach (var item in doubtful) Answer(item.ItemId);
            rounds++;
        }
        var accuracy = labelled.Count(i => truth[i.ItemId] == i.Label) / 1_000.0;
        var defects = truth.Where(t => t.Value == "defect").Select(t => t.Key).ToHashSet();
        var recall = labelled.Count(i => defects.Contains(i.ItemId) && i.Label == "defect") / (double)defects.Count;
        TestContext.Out.WriteLine($"accuracy {accuracy:P1}, recall of the rarer label {recall:P1}, {answers.Count / 1000.0:F2} answers per item after {rounds} rounds");

        Assert.That(labelled.All(i => i.Answers >= 2), Is.True);
        Assert.That(accuracy, Is.GreaterThan(0.9));
        Assert.That(recall, Is.GreaterThan(0.8));
    }

    [TestCase(-1, 0.5, 0.8, 3)]
    [TestCase(1, 1.5, 0.8, 3)]
    [TestCase(1, double.NaN, 0.8, 3)]
    [TestCase(1, 0.5, 1.2, 3)]
    [TestCase(1, 0.5, 0.8, 0)]
    public void Dynamic_overlap_refuses_impossible_inputs(int answers, double confidence, double bar, int cap) =>
        Assert.That(() => DynamicOverlap.Decide(answers, confidence, bar, cap), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void Dynamic_overlap_spends_extra_answers_on_doubtful_items_and_raises_accuracy()
    {
        const double bar = 0.95;
        const int cap = 7;
        var crowd = SimulatedCrowd.Create(seed: 77, workers: 50);
        var answers = crowd.Answer(items: 1_000, minOverlap: 3, maxOverlap: 3).ToList();
        var before = crowd.Accuracy(DawidSkene.Aggregate(answers, SimulatedCrowd.Labels).Items);

        var rounds = 0;
        IReadOnlyList<ItemLabel> labels;
        while (true)
        {
            labels = DawidSkene.Aggregate(answers, SimulatedCrowd.Labels).Items;
            var doubtful = labels.Where(i => DynamicOverlap.Decide(i.Answers, i.Confidence, bar, cap).NeedsMore).ToList();
            if (doubtful.Count == 0) break;
            foreach (var item in doubtful) answers.Add(crowd.OneMoreAnswer(item.ItemId, answers));
            rounds++;
        }
        var after = crowd.Accuracy(labels);
        TestContext.Out.WriteLine($"accuracy {before:P1} with 3 answers each, {after:P1} after {rounds} rounds; {answers.Count / 1000.0:F2} answers per item");

        Assert.That(after, Is.GreaterThan(before + 0.02));
        Assert.That(labels.All(i => i.Confidence >= bar || i.Answers == cap), Is.True);
        Assert.That(labels.Max(i => i.Answers), Is.EqualTo(cap));
        Assert.That(answers.Count, Is.LessThan(1_000 * 5), "most items settle well before the cap");
    }

    /// <summary>
    /// A crowd answering a four-label task whose true labels are skewed (50/25/15/10%). 30% of the workers answer at
    /// random; the rest are right 70 to 95% of the time and otherwise pick a wrong label at random.
    /// </summary>
    private sealed class SimulatedCrowd
    {
        public static readonly string[] Labels = ["spam", "news", "ad", "other"];
        private static readonly double[] Priors = [0.5, 0.25, 0.15, 0.10];

        private readonly Random _rng;
        private readonly Guid[] _workers;
        private readonly double[] _accuracy;

        private SimulatedCrowd(Random rng, Guid[] workers, double[] accuracy) => (_rng, _workers, _accuracy) = (rng, workers, accuracy);

        public Dictionary<string, string> Truth { get; } = new();
        public IEnumerable<Guid> RandomAnswerers => _workers.Where((_, w) => _accuracy[w] < 0);
        public IEnumerable<Guid> GoodWorkers => _workers.Where((_, w) => _accuracy[w] >= 0);
        public double TrueAccuracy(Guid worker) => _accuracy[Array.IndexOf(_workers, worker)];

        public static SimulatedCrowd Create(int seed, int workers)
        {
            var rng = new Random(seed);
            var ids = new Guid[workers];
            var accuracy = new double[workers];
            for (var w = 0; w < workers; w++)
            {
                var bytes = new byte[16];
                rng.NextBytes(bytes);
                ids[w] = new Guid(bytes);
                accuracy[w] = w < workers * 3 / 10 ? -1 : 0.70 + 0.25 * rng.NextDouble();
            }
            return new SimulatedCrowd(rng, ids, accuracy);
        }

        public List<CategoricalAnswer> Answer(int items, int minOverlap, int maxOverlap)
        {
            var answers = new List<CategoricalAnswer>();
            for (var i = 0; i < items; i++)
            {
                var id = $"item-{Truth.Count}";
                var draw = _rng.NextDouble();
                var truth = 0;
                while (truth < Labels.Length - 1 && (draw -= Priors[truth]) >= 0) truth++;
                Truth[id] = Labels[truth];
                var overlap = _rng.Next(minOverlap, maxOverlap + 1);
                foreach (var w in Enumerable.Range(0, _workers.Length).OrderBy(_ => _rng.Next()).Take(overlap))
                    answers.Add(new CategoricalAnswer(id, _workers[w], Choose(w, truth)));
            }
            return answers;
        }

        public CategoricalAnswer OneMoreAnswer(string itemId, IEnumerable<CategoricalAnswer> existing)
        {
            var done = existing.Where(a => a.ItemId == itemId).Select(a => a.WorkerId).ToHashSet();
            int w;
            do w = _rng.Next(_workers.Length); while (done.Contains(_workers[w]));
            return new CategoricalAnswer(itemId, _workers[w], Choose(w, Array.IndexOf(Labels, Truth[itemId])));
        }

        public double Accuracy(IReadOnlyList<ItemLabel> items) => items.Count(i => Truth[i.ItemId] == i.Label) / (double)items.Count;

        private string Choose(int worker, int truth)
        {
            if (_accuracy[worker] < 0) return Labels[_rng.Next(Labels.Length)];
            if (_rng.NextDouble() < _accuracy[worker]) return Labels[truth];
            var wrong = _rng.Next(Labels.Length - 1);
            return Labels[wrong >= truth ? wrong + 1 : wrong];
        }
    }
}
