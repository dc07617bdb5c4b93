using System.Diagnostics.Metrics;

namespace Marketplace.ServiceDefaults.Telemetry;

/// <summary>
/// The platform's own meter: every instrument of ours is made from it, so one AddMeter call exports them all. Job
/// outcomes are counted here (by the Hangfire filter, Jobs/JobCorrelationFilter) so each service reports them under the same names.
/// </summary>
public static class MarketplaceMetrics
{
    public const string MeterName = "Marketplace";
    public static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> JobsSucceeded = Meter.CreateCounter<long>(
        "marketplace.jobs.succeeded", "{run}", "Job runs that finished without an error");

    private static readonly Counter<long> JobsFailed = Meter.CreateCounter<long>(
        "marketplace.jobs.failed", "{run}", "Job runs that threw (each attempt counts; a retried job may still succeed)");

    public static void JobSucceeded(string jobName) => JobsSucceeded.Add(1, new KeyValuePair<string, object?>("job", jobName));

    public static void JobFailed(string jobName) => JobsFailed.Add(1, new KeyValuePair<string, object?>("job", jobName));
}
