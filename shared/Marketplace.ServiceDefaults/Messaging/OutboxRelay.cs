using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows with publisher confirms. Rows are claimed with FOR UPDATE SKIP LOCKED
/// and held locked while they are published, so two instances never publish the same row; a failed
/// publish is retried with backoff until the broker confirms. Each message keeps its outbox message id,
/// so if a crash lands between confirm and commit, the consumers' inbox drops the second copy.
/// </summary>
internal sealed class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly ConcurrentDictionary<string, Type?> Types = new();

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

    private async Task<int> PublishBatchAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string claim = """
            SELECT id, message_id, message_type, body::text AS body, correlation_id, attempts
            FROM outbox_messages
            WHERE published_at IS NULL AND next_attempt_at <= now()
            ORDER BY id
            LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED
            """;
        var rows = (await connection.QueryAsync<OutboxRow>(claim, new { BatchSize }, tx)).ToList();
        var published = 0;
        foreach (var row in rows)
        {
            try
            {
                var type = Types.GetOrAdd(row.MessageType, static name => Type.GetType(name))
                    ?? throw new InvalidOperationException($"Unknown message type {row.MessageType}");
                var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await bus.Publish(message, type, context =>
                {
                    context.MessageId = row.MessageId;
                    context.CorrelationId = row.CorrelationId;
                    context.Durable = true;
                }, timeout.Token);
                await connection.ExecuteAsync(
                    "UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1 WHERE id = @Id",
                    new { row.Id }, tx);
                published++;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var delay = Backoff(row.Attempts + 1);
                logger.LogWarning("Publishing outbox message {MessageId} failed (attempt {Attempt}); next try in {Delay}: {Error}",
                    row.MessageId, row.Attempts + 1, delay, e.Message);
                await connection.ExecuteAsync("""
                    UPDATE outbox_messages
                    SET attempts = attempts + 1, last_error = @error, next_attempt_at = now() + @delay
                    WHERE id = @Id
                    """, new { row.Id, error = e.Message, delay }, tx);
                // Keep order within the batch: stop at the first failure, the broker is probably down.
                break;
            }
        }
        await tx.CommitAsync(ct);
        return published;
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(attempt, 10))));

    private sealed record OutboxRow(long Id, Guid MessageId, string MessageType, string Body, Guid? CorrelationId, int Attempts);
}
