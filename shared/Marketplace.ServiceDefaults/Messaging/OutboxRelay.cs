using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows with publisher confirms. A batch is claimed in one short statement (a lease:
/// locked_until/locked_by, taken with FOR UPDATE SKIP LOCKED and committed at once), then published with no transaction
/// or row lock open, so a broker that is slow to confirm holds up nothing in PostgreSQL. Two instances never publish the
/// same row at once: a row is published only while its lease has time left for a whole publish attempt. After each
/// confirm, published_at records when the broker confirmed. A failed publish is retried with backoff. Each message keeps
/// its outbox message id, so if a crash lands between confirm and record, the consumers' inbox drops the second copy.
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    WakeSignal signal,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const string ActivitySourceName = "Marketplace.Outbox";
    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly ConcurrentDictionary<string, Type?> Types = new();

    public int BatchSize { get; init; } = 100;

    /// <summary>How long a claim keeps other instances off a batch; a crashed instance's rows wait this long.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one publish may wait for the broker's confirm before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Who holds a lease, for operators reading the table: host, process and this relay.</summary>
    public string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = 0;
            try
            {
                published = await PublishBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Outbox relay pass failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }

            if (published < BatchSize)
            {
                try { await signal.WaitAsync(TimeSpan.FromMilliseconds(250), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Claims one batch and publishes it in order, stopping at the first failure.</summary>
    /// <returns>how many rows the broker confirmed.</returns>
    public async Task<int> PublishBatchAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Started before the claim is sent, so it never runs behind the lease PostgreSQL writes (its now() comes later).
        var claimedAt = Stopwatch.GetTimestamp();
        const string claim = """
            WITH batch AS (
                SELECT id FROM outbox_messages
                WHERE published_at IS NULL AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
                ORDER BY id
                LIMIT @BatchSize
                FOR UPDATE SKIP LOCKED
            )
            UPDATE outbox_messages o SET locked_until = now() + @Lease, locked_by = @Instance
            FROM batch WHERE o.id = batch.id
            RETURNING o.id, o.message_id, o.message_type, o.body::text AS body, o.correlation_id, o.trace_parent, o.attempts
            """;
        var rows = (await connection.QueryAsync<OutboxRow>(claim, new { BatchSize, Lease, Instance })).OrderBy(r => r.Id).ToList();
        var published = 0;
        try
        {
            foreach (var row in rows)
            {
                // Publish only while the lease outlasts a whole attempt; the rest go back for the next pass.
                if (Stopwatch.GetElapsedTime(claimedAt) + PublishTimeout >= Lease) break;
                if (!await PublishAsync(connection, row, ct)) break;
                published++;
            }
        }
        finally
        {
            // Rows not reached (a failure stops the batch to keep its order; shutdown) are free at once, not after the lease.
            var left = rows.Skip(published).Select(r => r.Id).ToArray();
            if (left.Length > 0)
            {
                await connection.ExecuteAsync("""
                    UPDATE outbox_messages SET locked_until = NULL, locked_by = NULL
                    WHERE id = ANY(@left) AND locked_by = @Instance AND published_at IS NULL
                    """, new { left, Instance });
            }
        }
        return published;
    }

    private async Task<bool> PublishAsync(NpgsqlConnection connection, OutboxRow row, CancellationToken ct)
    {
        var type = Types.GetOrAdd(row.MessageType, static name => Type.GetType(name));
        // The span continues the trace of the request or message that wrote the row (see Outbox.AddAsync); MassTransit's
        // send span is its child and carries the context on to the consumers.
        using var activity = Source.StartActivity($"outbox publish {type?.Name ?? row.MessageType}", ActivityKind.Internal, ParentOf(row));
        activity?.SetTag("messaging.message.id", row.MessageId.ToString());
        activity?.SetTag("marketplace.outbox.attempt", row.Attempts + 1);
        try
        {
            if (type is null) throw new InvalidOperationException($"Unknown message type {row.MessageType}");
            var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PublishTimeout);
            await bus.Publish(message, type, context =>
            {
                context.MessageId = row.MessageId;
                context.CorrelationId = row.CorrelationId;
                context.Durable = true;
            }, timeout.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var delay = Backoff(row.Attempts + 1);
            logger.LogWarning("Publishing outbox message {MessageId} failed (attempt {Attempt}); next try in {Delay}: {Error}",
                row.MessageId, row.Attempts + 1, delay, e.Message);
            await connection.ExecuteAsync("""
                UPDATE outbox_messages
                SET attempts = attempts + 1, last_error = @error, next_attempt_at = now() + @delay, locked_until = NULL, locked_by = NULL
                WHERE id = @Id
                """, new { row.Id, error = e.Message, delay });
            // Keep order within the batch: stop at the first failure, the broker is probably down.
            return false;
        }
        // Stamped when the broker confirmed, not when the batch was claimed. Should this fail, the lease is let go and the
        // row published again: the consumers' inbox drops the copy.
        var confirmedAt = clock.GetUtcNow();
        await connection.ExecuteAsync("""
            UPDATE outbox_messages
            SET published_at = @confirmedAt, attempts = attempts + 1, locked_until = NULL, locked_by = NULL, last_error = NULL
            WHERE id = @Id
            """, new { row.Id, confirmedAt });
        return true;
    }

    /// <summary>The stored traceparent; a row written outside a trace but with a correlation id (a job that restored the
    /// id of the request that scheduled it) continues that id as its trace.</summary>
    private static ActivityContext ParentOf(OutboxRow row)
    {
        if (row.TraceParent is not null && ActivityContext.TryParse(row.TraceParent, null, isRemote: true, out var parent)) return parent;
        return row.CorrelationId is { } id
            ? new ActivityContext(Correlation.ToTraceId(id), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true)
            : default;
    }

    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(attempt, 10))));

    private sealed record OutboxRow(long Id, Guid MessageId, string MessageType, string Body, Guid? CorrelationId, string? TraceParent, int Attempts);
}
