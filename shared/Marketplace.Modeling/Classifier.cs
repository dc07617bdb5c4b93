using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Marketplace.Modeling;

/// <summary>
/// The built-in model: a linear multiclass classifier (ML.NET's SDCA maximum entropy) over an item's text (ML.NET's text
/// featurizer: words, word pairs and character trigrams) or over its image's ResNet-18 features (standardised), trained
/// on the accepted examples less a held-out share (<see cref="HeldOut"/>), measured there, and with its top-class
/// probability calibrated there (<see cref="Calibration"/>). Training uses one thread, so it never takes the machine from
/// the requests around it. Rows stream through <see cref="Predict"/>: nothing holds all items at once.
/// </summary>
public sealed class Classifier
{
    private const string ModelEntry = "model.zip", ManifestEntry = "manifest.json";
    private readonly MLContext _ml;
    private readonly ITransformer _model;

    private Classifier(ModelKind kind, MLContext ml, ITransformer model, IReadOnlyList<string> labels, Calibration calibration)
    {
        Kind = kind;
        _ml = ml;
        _model = model;
        Labels = labels;
        Calibration = calibration;
    }

    public ModelKind Kind { get; }
    public IReadOnlyList<string> Labels { get; }
    public Calibration Calibration { get; }

    /// <summary>Trains, measures and calibrates. Throws <see cref="NotEnoughExamplesException"/> when there is too little to learn from.</summary>
    public static (Classifier Classifier, TrainingMeasures Measures) Train(ModelKind kind, IReadOnlyList<Example> examples, TrainingRules? rules = null)
    {
        rules ??= TrainingRules.Default;
        foreach (var example in examples)
        {
            Check(kind, example.ItemId, example.Text, example.Features);
            if (float.IsNaN(example.Weight) || example.Weight is < 0 or > 1)
                throw new ArgumentException($"item {example.ItemId}: an example's weight is between 0 and 1");
        }
        var (train, test) = HeldOut.Split(examples, rules);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(train.Select(e => Row.Of(e.ItemId, e.Text, e.Features, e.Label, e.Weight)));
        var features = kind == ModelKind.Text
            ? (IEstimator<ITransformer>)ml.Transforms.Text.FeaturizeText("Features", nameof(Row.Text))
            : ml.Transforms.NormalizeMeanVariance("Features", nameof(Row.Image));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Key", nameof(Row.Label))
            .Append(features)
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Key",
                FeatureColumnName = "Features",
                ExampleWeightColumnName = nameof(Row.Weight),
                NumberOfThreads = 1,
                MaximumNumberOfIterations = rules.MaximumIterations,
                // SDCA's own choice scales with the row count and, on an order's first few dozen labels, flattens every
                // probability to about 0.53 (it could not even fit its training rows); a fixed light penalty learns them.
                L2Regularization = rules.L2For(kind),
                L1Regularization = 0,
            }));
        var model = pipeline.Fit(data);
        VBuffer<ReadOnlyMemory<char>> names = default;
        model.GetOutputSchema(data.Schema)["Score"].GetSlotNames(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToList();

        var unfitted = new Classifier(kind, ml, model, labels, Calibration.Unknown);
        var truth = test.ToDictionary(e => e.ItemId, StringComparer.Ordinal);
        var points = unfitted.Predict(test.Select(e => new Unlabeled(e.ItemId, e.Text, e.Features)))
            .Select(p => (p.ItemId, Point: new HeldOutPoint(p.RawProbability, p.Label == truth[p.ItemId].Label, truth[p.ItemId].Certainty)))
            .OrderBy(p => HeldOut.StableHash(p.ItemId)).Select(p => p.Point).ToList();
        // The held-out labels' own mistakes allowed for (Calibration); the accuracy shown is plain agreement with them.
        var calibration = Calibration.Fit(points, labels.Count);
        var measures = new TrainingMeasures(train.Count, test.Count, points.Count(p => p.Agrees) / (double)points.Count,
            Calibration.CrossFittedError(points, labels.Count), labels);
        return (new Classifier(kind, ml, model, labels, calibration), measures);
    }

    /// <summary>Predicts items as they stream by, each with its calibrated confidence.</summary>
    public IEnumerable<Prediction> Predict(IEnumerable<Unlabeled> items)
    {
        var rows = items.Select(i =>
        {
            Check(Kind, i.ItemId, i.Text, i.Features);
            return Row.Of(i.ItemId, i.Text, i.Features, "");
        });
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(rows));
        foreach (var row in _ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false))
        {
            var best = 0;
            for (var i = 1; i < row.Score.Length; i++)
                if (row.Score[i] > row.Score[best]) best = i;
            var raw = Math.Clamp((double)row.Score[best], 0, 1);
            yield return new Prediction(row.ItemId, Labels[best], raw, Calibration.Apply(raw));
        }
    }

    /// <summary>The share of <paramref name="examples"/> whose label this classifier predicts: how two versions are compared on
    /// the same held-out items.</summary>
    public double Accuracy(IReadOnlyList<Example> examples)
    {
        if (examples.Count == 0) return double.NaN;
        var truth = examples.ToDictionary(e => e.ItemId, e => e.Label, StringComparer.Ordinal);
        return Predict(examples.Select(e => new Unlabeled(e.ItemId, e.Text, e.Features))).Count(p => p.Label == truth[p.ItemId]) / (double)examples.Count;
    }

    /// <summary>The model, its labels and its calibration in one archive (ML.NET's own model file inside).</summary>
    public byte[] Save()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var entry = zip.CreateEntry(ModelEntry, CompressionLevel.NoCompression).Open())
            {
                var schema = _ml.Data.LoadFromEnumerable(Array.Empty<Row>()).Schema;
                _ml.Model.Save(_model, schema, entry);
            }
            using var manifest = zip.CreateEntry(ManifestEntry).Open();
            JsonSerializer.Serialize(manifest, new Manifest(Kind, Labels.ToArray(), Calibration));
        }
        return buffer.ToArray();
    }

    public static Classifier Load(byte[] saved)
    {
        using var zip = new ZipArchive(new MemoryStream(saved), ZipArchiveMode.Read);
        Manifest manifest;
        using (var entry = zip.GetEntry(ManifestEntry)!.Open())
            manifest = JsonSerializer.Deserialize<Manifest>(entry) ?? throw new InvalidDataException("a saved model without its manifest");
        var ml = new MLContext(seed: 1);
        using var model = new MemoryStream();
        using (var entry = zip.GetEntry(ModelEntry)!.Open()) entry.CopyTo(model);
        model.Position = 0;
        return new Classifier(manifest.Kind, ml, ml.Model.Load(model, out _), manifest.Labels, manifest.Calibration);
    }

    private static void Check(ModelKind kind, string itemId, string? text, float[]? features)
    {
        if (kind == ModelKind.Text && text is null) throw new ArgumentException($"item {itemId}: a text model needs the item's text");
        if (kind == ModelKind.Image && features?.Length != ImageFeaturizer.Size)
            throw new ArgumentException($"item {itemId}: an image model needs the image's {ImageFeaturizer.Size} features");
    }

    private sealed record Manifest(ModelKind Kind, string[] Labels, Calibration Calibration);

    private sealed class Row
    {
        public string ItemId { get; set; } = "";
        public string Text { get; set; } = "";
        [VectorType(ImageFeaturizer.Size)] public float[] Image { get; set; } = new float[ImageFeaturizer.Size];
        public string Label { get; set; } = "";
        public float Weight { get; set; } = 1;

        public static Row Of(string itemId, string? text, float[]? features, string label, float weight = 1) => new()
        {
            ItemId = itemId, Text = text ?? "", Image = features ?? new float[ImageFeaturizer.Size], Label = label, Weight = weight,
        };
    }

    private sealed class Scored
    {
        public string ItemId { get; set; } = "";
        public float[] Score { get; set; } = [];
    }
}
