using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// Reads and replays messages in this service's MassTransit error queues. Listing peeks (gets without
/// acknowledging, then closes the channel so the broker requeues them); replay moves one message back
/// to the queue it failed on, keeping its MessageId so the inbox still guards against double effects.
/// </summary>
public sealed class DeadLetters(RabbitMqOptions options, ReceiveEndpointNames endpoints)
{
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken ct)
    {
        var result = new List<DeadLetter>();
        await using var connection = await Connect(ct);
        foreach (var queue in endpoints.All)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            if (!await ExistsAsync(connection, queue + "_error", ct)) continue;
            while (result.Count < limit)
            {
                var got = await channel.BasicGetAsync(queue + "_error", autoAck: false, ct);
                if (got is null) break;
                result.Add(Describe(queue, got));
            }
            // Closing the channel without acknowledging returns every peeked message to the error queue.
        }
        return result;
    }

    public async Task<bool> ReplayAsync(string queue, string messageId, CancellationToken ct)
    {
        if (!endpoints.All.Contains(queue)) return false;
        await using var connection = await Connect(ct);
        if (!await ExistsAsync(connection, queue + "_error", ct)) return false;
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        while (true)
        {
            var got = await channel.BasicGetAsync(queue + "_error", autoAck: false, ct);
            if (got is null) return false;
            if (got.BasicProperties.MessageId == messageId || EnvelopeMessageId(got.Body) == messageId)
            {
                var properties = new BasicProperties(got.BasicProperties);
                // MassTransit binds an exchange of the queue's name to the queue.
                await channel.BasicPublishAsync(queue, "", true, properties, got.Body, ct);
                await channel.BasicAckAsync(got.DeliveryTag, false, ct);
                return true;
            }
        }
    }

    private async Task<IConnection> Connect(CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            HostName = options.Host,
            Port = options.Port,
            VirtualHost = options.VirtualHost,
            UserName = options.Username,
            Password = options.Password,
        };
        return await factory.CreateConnectionAsync("dead-letters", ct);
    }

    private static async Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken ct)
    {
        await using var probe = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await probe.QueueDeclarePassiveAsync(queue, ct);
            return true;
        }
        catch (OperationInterruptedException)
        {
            return false;
        }
    }

    private static DeadLetter Describe(string queue, BasicGetResult got)
    {
        string? Header(string name) =>
            got.BasicProperties.Headers is { } headers && headers.TryGetValue(name, out var value)
                ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
                : null;
        string? messageType = null;
        try
        {
            using var doc = JsonDocument.Parse(got.Body);
            if (doc.RootElement.TryGetProperty("messageType", out var types) && types.GetArrayLength() > 0)
                messageType = types[0].GetString();
        }
        catch (JsonException) { }
        return new DeadLetter(
            queue,
            got.BasicProperties.MessageId ?? EnvelopeMessageId(got.Body),
            messageType,
            Header("MT-Fault-ExceptionType"),
            Header("MT-Fault-Message"),
            Header("MT-Fault-Timestamp"),
            Encoding.UTF8.GetString(got.Body.Span));
    }

    private static string? EnvelopeMessageId(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("messageId", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record DeadLetter(
    string Queue, string? MessageId, string? MessageType, string? ExceptionType, string? Reason, string? FailedAt, string Body);
