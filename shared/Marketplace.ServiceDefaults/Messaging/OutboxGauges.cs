using System.Diagnostics.Metrics;
using Dapper;
using Marketplace.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// The outbox as operators watch it: how many messages wait for the broker and how old the oldest is. Observable
/// gauges, so the database is asked only when /metrics is scraped (one query serves both gauges of a scrape). Every
/// instance of a service reads the same table: aggregate them with max(), not sum().
/// </summary>
internal sealed class OutboxGauges : IHostedService
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private readonly NpgsqlDataSource _db;
    private readonly ILogger<OutboxGauges> _logger;
    private readonly Lock _lock = new();
    private (long At, Backlog? Value) _last;

    public OutboxGauges(IMeterFactory meters, NpgsqlDataSource db, ILogger<OutboxGauges> logger)
    {
        _db = db;
        _logger = logger;
        var meter = meters.Create(MarketplaceMetrics.MeterName);
        meter.CreateObservableGauge<long>("marketplace.outbox.backlog", () => Read() is { } b ? [new Measurement<long>(b.Messages)] : [],
            "{message}", "Outbox messages not yet confirmed by the broker");
        meter.CreateObservableGauge<double>("marketplace.outbox.oldest_age", () => Read() is { } b ? [new Measurement<double>(b.OldestAgeSeconds)] : [],
            "s", "Age of the oldest outbox message not yet confirmed by the broker (0 when none waits)");
    }

    private Backlog? Read()
    {
        lock (_lock)
        {
            if (_last.At != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_last.At) < Fresh) return _last.Value;
            Backlog? value = null;
            try
            {
                // Scrapes are synchronous callbacks: a short timeout keeps a slow database from holding up /metrics.
                using var connection = _db.OpenConnection();
                value = connection.QuerySingle<Backlog>("""
                    SELECT count(*) AS messages, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds
                    FROM outbox_messages WHERE published_at IS NULL
                    """, commandTimeout: 2);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // No figure rather than a wrong one: the gauge is simply absent from this scrape.
                _logger.LogWarning("Could not read the outbox backlog: {Error}", e.Message);
            }
            _last = (System.Diagnostics.Stopwatch.GetTimestamp(), value);
            return value;
        }
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private sealed record Backlog(long Messages, double OldestAgeSeconds);
}
