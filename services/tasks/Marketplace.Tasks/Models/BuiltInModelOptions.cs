using Marketplace.Modeling;

namespace Marketplace.Tasks.Models;

/// <summary>The built-in model's schedule and bounds (configuration section "Models").</summary>
public sealed class BuiltInModelOptions
{
    /// <summary>How often the orders due for training are looked for.</summary>
    public TimeSpan TrainingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A new version is trained once the examples grew by this share since the last training...</summary>
    public double RetrainGrowth { get; set; } = 0.2;

    /// <summary>...or by this many.</summary>
    public int RetrainExamples { get; set; } = 50;

    /// <summary>A failed training is tried again after this long, if nothing else makes it due sooner.</summary>
    public TimeSpan RetryFailedAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A training that takes longer is recorded as failed (it cannot be stopped midway; its result is dropped).</summary>
    public TimeSpan TrainingTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public int MinimumExamples { get; set; } = 10;
    public int MinimumPerLabel { get; set; } = 3;

    /// <summary>Orders looked at per sweep, and images featurised per order per sweep (the rest in the next sweeps).</summary>
    public int OrdersPerSweep { get; set; } = 50;
    public int ImagesPerSweep { get; set; } = 2000;

    /// <summary>Where tasks fetches an image item's bytes: the orders service's own address (its /content endpoint, signed links).</summary>
    public string OrdersAddress { get; set; } = "http://127.0.0.1:5081";

    public long MaxImageBytes { get; set; } = 16 * 1024 * 1024;
    public TimeSpan ImageTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TrainingRules Training => new(MinimumExamples, MinimumPerLabel);
}
