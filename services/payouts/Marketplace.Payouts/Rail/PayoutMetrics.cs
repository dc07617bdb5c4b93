using System.Diagnostics.Metrics;
using Marketplace.ServiceDefaults.Telemetry;

namespace Marketplace.Payouts.Rail;

/// <summary>What the payment rail answered to the payouts of a batch, for operators: paid, declined, accepted (a callback
/// will confirm) or no answer (asked again later).</summary>
public static class PayoutMetrics
{
    private static readonly Counter<long> Results = MarketplaceMetrics.Meter.CreateCounter<long>(
        "marketplace.payouts.results", "{payout}", "Payout attempts of payout batches, by the rail's answer");

    public static void Record(RailOutcome outcome) =>
        Results.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
}
