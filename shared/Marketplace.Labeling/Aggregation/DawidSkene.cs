namespace Marketplace.Labeling.Aggregation;

/// <param name="MaxIterations">EM rounds at most.</param>
/// <param name="Tolerance">EM stops once no item's posterior for any label moved by more than this in a round.</param>
/// <param name="Smoothing">
/// Laplace pseudo-count added to every cell of every worker's confusion matrix and to every class prior, so a worker
/// with one answer, or a label nobody chose, never gets a probability of 0 or 1.
/// </param>
/// <param name="PriorCorrect">
/// Extra pseudo-count on the diagonal (right answers) of every confusion matrix: a worker with no track record is
/// taken to be somewhat better than random. Without it, an item answered once by a worker who answered nothing else
/// would lose that answer and fall to the first label.
/// </param>
public sealed record DawidSkeneOptions(int MaxIterations = 100, double Tolerance = 1e-5, double Smoothing = 1.0, double PriorCorrect = 1.0);

/// <summary>A worker's estimated skill.</summary>
/// <param name="Accuracy">
/// The average over the labels of the chance of answering an item's true label when it is that label (balanced accuracy):
/// every label counts the same, whatever its share. Weighted by the labels' shares instead, a worker who always gives the
/// commonest label would score that label's share (0.69 on a 69/31 crowd) and rank above honest workers; here they score
/// 1 / labels, a coin toss.
/// </param>
/// <param name="Answers">All the worker's answers.</param>
/// <param name="Evidence">
/// The answers the skill was learnt from: on items another worker answered too, or gold items (but not the first answer on
/// an item the model witnesses). A worker with none has
/// the prior skill only (somewhat better than random), however many items they answered alone.
/// </param>
/// <param name="GoldAnswers">The answers on gold items (known truth), which measure the worker directly.</param>
public sealed record WorkerSkill(Guid WorkerId, double Accuracy, int Answers, int Evidence, int GoldAnswers);

/// <summary>A model's label for an item and its calibrated score (the chance that it is right).</summary>
public readonly record struct ModelWitness(string Label, double Score);

/// <param name="Items">One label per item, with its posterior probability as confidence, in order of first answer.</param>
/// <param name="ClassPriors">Estimated share of each label among the items, in label-set order.</param>
public sealed record DawidSkeneResult(
    IReadOnlyList<ItemLabel> Items, IReadOnlyList<WorkerSkill> Workers, IReadOnlyList<double> ClassPriors, int Iterations, bool Converged);

/// <summary>
/// Dawid and Skene (1979): every worker has a confusion matrix, P(answers l | true label k), and the labels have prior
/// shares. Expectation-maximisation alternates between estimating those from the items' label posteriors and the
/// posteriors from them, starting from the vote shares, so a worker whose answers agree with the emerging consensus
/// counts for more and a random or constant answerer counts for almost nothing.
/// Gold items (known truth) keep their true label throughout and so anchor the workers' matrices.
/// The matrices and the label shares are learnt only from informative items: those answered by more than one worker, and
/// gold. An item one worker answered alone says nothing about that worker (its posterior is that worker's own answer
/// coming back), and letting it count made EM drift: with one answer per item and workers who always answer the commonest
/// label, every item ended as that label at 99% "confidence". Such items still get a posterior, from the skill their
/// worker showed elsewhere (or the prior skill), and with no informative item at all the result is the prior alone.
/// Under confidence routing, a model's scored label may join as a witness (<c>model</c>): an item then got a second answer
/// because its first disagreed with the model, so the first answers on items with several are mostly the wrong ones, and
/// learnt from as they come every honest worker read 0.1-0.2 below their true accuracy (bench/labeling.sh, BENCH_DIAG=1).
/// With the model's word in each round's posteriors, and an item's first answer left out of what its worker is learnt
/// from (later answers were asked for before anyone saw them, so they are a fair sample), the skills come out as they
/// would unrouted. The labels reported are the answers' own (a last round without the model): whoever routes the items
/// weighs the model once, on its own.
/// Cost per round is linear in the answers; memory is O(answers + items × labels + workers × labels²).
/// </summary>
public static class DawidSkene
{
    /// <param name="model">The items a model routed (one slot first, more when its answer disagreed with the model): the
    /// model's label and calibrated score for each, a witness while the workers are learnt.</param>
    public static DawidSkeneResult Aggregate(
        IReadOnlyList<CategoricalAnswer> answers, IReadOnlyList<string> labels,
        IReadOnlyDictionary<string, string>? gold = null, DawidSkeneOptions? options = null,
        IReadOnlyDictionary<string, ModelWitness>? model = null)
    {
        options ??= new DawidSkeneOptions();
        if (options.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxIterations must be at least 1.");
        if (options.Smoothing <= 0) throw new ArgumentOutOfRangeException(nameof(options), "Smoothing must be above 0.");
        if (options.PriorCorrect < 0) throw new ArgumentOutOfRangeException(nameof(options), "PriorCorrect cannot be negative.");

        var index = AnswerIndex.Build(answers, labels);
        var k = index.LabelCount;
        var itemCount = index.Items.Length;
        var workerCount = index.Workers.Length;
        var goldLabel = GoldLabels(index, labels, gold);
        var informative = new bool[itemCount];
        for (var i = 0; i < itemCount; i++) informative[i] = goldLabel[i] >= 0 || DistinctWorkers(index, i) > 1;
        var witness = Witnesses(index, labels, goldLabel, model);

        // posterior[i * k + c] = P(item i's true label is c).
        var posterior = new double[itemCount * k];
        for (var i = 0; i < itemCount; i++)
        {
            if (goldLabel[i] >= 0) { posterior[i * k + goldLabel[i]] = 1; continue; }
            var share = 1.0 / index.AnswerCount(i);
            for (var a = index.ItemStart[i]; a < index.ItemStart[i + 1]; a++) posterior[i * k + index.Label[a]] += share;
        }

        // Confusion cells are laid out [worker][answered label][true label] so one answer's row over true labels is contiguous.
        var confusion = new double[workerCount * k * k];
        var logConfusion = new double[workerCount * k * k];
        var prior = new double[k];
        var logPrior = new double[k];
        var scratch = new double[k];
        var iterations = 0;
        var converged = false;
        while (iterations < options.MaxIterations && !converged)
        {
            iterations++;
            EstimateParameters(index, informative, witness, posterior, options, prior, logPrior, confusion, logConfusion);
            var change = EstimatePosteriors(index, goldLabel, logPrior, logConfusion, witness, posterior, scratch);
            converged = change < options.Tolerance;
        }
        // The items' labels are the answers' alone: whoever routes them weighs the model once, on its own.
        if (witness is not null) EstimatePosteriors(index, goldLabel, logPrior, logConfusion, null, posterior, scratch);

        var items = new ItemLabel[itemCount];
        for (var i = 0; i < itemCount; i++)
        {
            var best = 0;
            for (var c = 1; c < k; c++)
                if (posterior[i * k + c] > posterior[i * k + best]) best = c;
            items[i] = new ItemLabel(index.Items[i], labels[best], posterior[i * k + best], index.AnswerCount(i), posterior.AsSpan(i * k, k).ToArray());
        }
        var evidence = new int[workerCount];
        var goldAnswers = new int[workerCount];
        for (var i = 0; i < itemCount; i++)
        {
            if (!informative[i]) continue;
            for (var a = FirstTaught(index, witness, i); a < index.ItemStart[i + 1]; a++)
            {
                evidence[index.Worker[a]]++;
                if (goldLabel[i] >= 0) goldAnswers[index.Worker[a]]++;
            }
        }
        var workers = new WorkerSkill[workerCount];
        for (var w = 0; w < workerCount; w++)
        {
            var accuracy = 0.0;
            for (var c = 0; c < k; c++) accuracy += confusion[(w * k + c) * k + c];
            workers[w] = new WorkerSkill(index.Workers[w], accuracy / k, index.WorkerAnswers[w], evidence[w], goldAnswers[w]);
        }
        return new DawidSkeneResult(items, workers, prior, iterations, converged);
    }

    private static int[] GoldLabels(AnswerIndex index, IReadOnlyList<string> labels, IReadOnlyDictionary<string, string>? gold)
    {
        var result = new int[index.Items.Length];
        Array.Fill(result, -1);
        if (gold is null || gold.Count == 0) return result;
        var labelNumbers = AnswerIndex.LabelNumbers(labels);
        for (var i = 0; i < index.Items.Length; i++)
        {
            if (!gold.TryGetValue(index.Items[i], out var truth)) continue;
            if (!labelNumbers.TryGetValue(truth, out result[i]))
                throw new ArgumentException($"Gold item '{index.Items[i]}' has the label '{truth}', which is not in the label set.", nameof(gold));
        }
        return result;
    }

    /// <summary>The model's word on an item, as log-probabilities of giving its label when that label is right or wrong.</summary>
    private readonly record struct Witness(int Label, double LogRight, double LogWrong);

    private static Witness[]? Witnesses(AnswerIndex index, IReadOnlyList<string> labels, int[] goldLabel, IReadOnlyDictionary<string, ModelWitness>? model)
    {
        if (model is null || model.Count == 0) return null;
        var labelNumbers = AnswerIndex.LabelNumbers(labels);
        var k = labels.Count;
        var result = new Witness[index.Items.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new Witness(-1, 0, 0);
            if (goldLabel[i] >= 0 || !model.TryGetValue(index.Items[i], out var said) || !labelNumbers.TryGetValue(said.Label, out var label)) continue;
            if (double.IsNaN(said.Score) || said.Score is < 0 or > 1)
                throw new ArgumentOutOfRangeException(nameof(model), $"The model's score for item '{index.Items[i]}' is not between 0 and 1.");
            // Never certain either way: a score of 1 (or 0) would outweigh every answer.
            var score = Math.Clamp(said.Score, 1.0 / k, ConfidenceRouting.MaxSkill);
            result[i] = new Witness(label, Math.Log(score), Math.Log((1 - score) / (k - 1)));
        }
        return result;
    }

    /// <summary>
    /// Where item i's answers start to teach their workers' skills: after the first when the model routed the item, since
    /// whether it got a second answer turned on whether the first agreed with the model (gold is served regardless).
    /// </summary>
    private static int FirstTaught(AnswerIndex index, Witness[]? witness, int i) =>
        index.ItemStart[i] + (witness is not null && witness[i].Label >= 0 ? 1 : 0);

    private static int DistinctWorkers(AnswerIndex index, int item)
    {
        var start = index.ItemStart[item];
        var end = index.ItemStart[item + 1];
        for (var a = start + 1; a < end; a++)
            if (index.Worker[a] != index.Worker[start]) return 2;
        return end > start ? 1 : 0;
    }

    /// <summary>M-step: class priors and confusion matrices from the informative items' posteriors, with Laplace smoothing.</summary>
    private static void EstimateParameters(
        AnswerIndex index, bool[] informative, Witness[]? witness, double[] posterior, DawidSkeneOptions options, double[] prior, double[] logPrior, double[] confusion, double[] logConfusion)
    {
        var smoothing = options.Smoothing;
        var k = index.LabelCount;
        var itemCount = index.Items.Length;
        Array.Fill(prior, smoothing);
        var counted = 0;
        for (var i = 0; i < itemCount; i++)
        {
            if (!informative[i]) continue;
            counted++;
            for (var c = 0; c < k; c++) prior[c] += posterior[i * k + c];
        }
        var priorTotal = counted + k * smoothing;
        for (var c = 0; c < k; c++)
        {
            prior[c] /= priorTotal;
            logPrior[c] = Math.Log(prior[c]);
        }

        Array.Fill(confusion, smoothing);
        var workerCount = index.Workers.Length;
        for (var w = 0; w < workerCount; w++)
            for (var c = 0; c < k; c++) confusion[(w * k + c) * k + c] += options.PriorCorrect;
        for (var i = 0; i < itemCount; i++)
        {
            if (!informative[i]) continue;
            var row = i * k;
            for (var a = FirstTaught(index, witness, i); a < index.ItemStart[i + 1]; a++)
            {
                var cell = (index.Worker[a] * k + index.Label[a]) * k;
                for (var c = 0; c < k; c++) confusion[cell + c] += posterior[row + c];
            }
        }
        for (var w = 0; w < workerCount; w++)
        {
            var block = w * k * k;
            for (var c = 0; c < k; c++)
            {
                var total = 0.0;
                for (var l = 0; l < k; l++) total += confusion[block + l * k + c];
                for (var l = 0; l < k; l++)
                {
                    var cell = block + l * k + c;
                    confusion[cell] /= total;
                    logConfusion[cell] = Math.Log(confusion[cell]);
                }
            }
        }
    }

    /// <summary>E-step: each non-gold item's posterior from the priors and its answerers' matrices.</summary>
    /// <returns>The largest change of any posterior probability.</returns>
    private static double EstimatePosteriors(
        AnswerIndex index, int[] goldLabel, double[] logPrior, double[] logConfusion, Witness[]? witness, double[] posterior, double[] scratch)
    {
        var k = index.LabelCount;
        var change = 0.0;
        for (var i = 0; i < index.Items.Length; i++)
        {
            if (goldLabel[i] >= 0) continue;
            Array.Copy(logPrior, scratch, k);
            for (var a = index.ItemStart[i]; a < index.ItemStart[i + 1]; a++)
            {
                var cell = (index.Worker[a] * k + index.Label[a]) * k;
                for (var c = 0; c < k; c++) scratch[c] += logConfusion[cell + c];
            }
            if (witness is not null && witness[i].Label >= 0)
                for (var c = 0; c < k; c++) scratch[c] += c == witness[i].Label ? witness[i].LogRight : witness[i].LogWrong;
            var max = scratch[0];
            for (var c = 1; c < k; c++) max = Math.Max(max, scratch[c]);
            var total = 0.0;
            for (var c = 0; c < k; c++)
            {
                scratch[c] = Math.Exp(scratch[c] - max);
                total += scratch[c];
            }
            var row = i * k;
            for (var c = 0; c < k; c++)
            {
                var p = scratch[c] / total;
                change = Math.Max(change, Math.Abs(p - posterior[row + c]));
                posterior[row + c] = p;
            }
        }
        return change;
    }
}
