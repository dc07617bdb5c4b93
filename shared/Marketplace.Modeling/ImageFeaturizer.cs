using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;

namespace Marketplace.Modeling;

/// <summary>An image that cannot be read: not an image, a format the decoder does not know, truncated, or too large.</summary>
public sealed class ImageNotReadableException(string message) : Exception(message);

/// <summary>
/// An image's 512 features from the pretrained ResNet-18 that ML.NET ships (Microsoft.ML.DnnImageFeaturizer.ResNet18, an
/// ONNX model run by ONNX Runtime): the image decoded (SkiaSharp), scaled to 224×224 and handed over as planar RGB, as
/// ML.NET's ExtractPixels would. This is the slow part (tens of milliseconds an image on one core), so a caller keeps each
/// image's features and retrains from them. Not thread-safe: one per job.
/// </summary>
public sealed class ImageFeaturizer : IDisposable
{
    public const int Size = 512;
    public const int Side = 224;

    /// <summary>Larger images are refused before decoding (a 16-megapixel photo decodes to 64 MB).</summary>
    public const long MaxPixels = 40_000_000;

    private readonly PredictionEngine<Pixels, Featured> _engine;
    private readonly ITransformer _model;

    public ImageFeaturizer()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.DnnFeaturizeImage("Features",
            m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), nameof(Pixels.Rgb));
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<Pixels>());
        _model = pipeline.Fit(empty);
        _engine = ml.Model.CreatePredictionEngine<Pixels, Featured>(_model);
    }

    public float[] Featurize(byte[] encoded)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(encoded))
            ?? throw new ImageNotReadableException("not an image the decoder knows");
        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels || info.Width <= 0 || info.Height <= 0)
            throw new ImageNotReadableException($"{info.Width}×{info.Height} pixels is more than {MaxPixels:N0}");
        using var decoded = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result != SKCodecResult.Success) // a truncated file (IncompleteInput) is refused too: half a photo is not the photo
            throw new ImageNotReadableException($"the image could not be decoded ({result})");
        using var scaled = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!decoded.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)))
            throw new ImageNotReadableException("the image could not be scaled");
        var bytes = scaled.GetPixelSpan();
        var rgb = new float[3 * Side * Side];
        const int plane = Side * Side;
        for (var i = 0; i < plane; i++)
        {
            rgb[i] = bytes[4 * i];
            rgb[plane + i] = bytes[4 * i + 1];
            rgb[2 * plane + i] = bytes[4 * i + 2];
        }
        return _engine.Predict(new Pixels { Rgb = rgb }).Features;
    }

    public void Dispose()
    {
        _engine.Dispose();
        (_model as IDisposable)?.Dispose();
    }

    private sealed class Pixels
    {
        [VectorType(3, Side, Side)] public float[] Rgb { get; set; } = [];
    }

    private sealed class Featured
    {
        [VectorType(Size)] public float[] Features { get; set; } = [];
    }
}
