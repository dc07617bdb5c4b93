using System.Diagnostics.Metrics;
using Marketplace.ServiceDefaults.Telemetry;

namespace Marketplace.Tasks.Features;

/// <summary>Claims per second, for operators: requests that got work or found none, and the assignments they leased.</summary>
public static class ClaimMetrics
{
    private static readonly Counter<long> Claims = MarketplaceMetrics.Meter.CreateCounter<long>(
        "marketplace.tasks.claims", "{claim}", "Claim requests that were answered, by whether they got work");

    private static readonly Counter<long> Leased = MarketplaceMetrics.Meter.CreateCounter<long>(
        "marketplace.tasks.assignments_claimed", "{assignment}", "Assignments leased to workers by claims");

    public static void Record(int claimed)
    {
        Claims.Add(1, new KeyValuePair<string, object?>("outcome", claimed > 0 ? "claimed" : "none_open"));
        if (claimed > 0) Leased.Add(claimed);
    }
}
