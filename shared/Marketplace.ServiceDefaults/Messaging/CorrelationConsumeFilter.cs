using MassTransit;
using Microsoft.Extensions.Logging;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>Carries the message's correlation id into logs and into any message the consumer writes.</summary>
public sealed class CorrelationConsumeFilter<T>(ILogger<CorrelationConsumeFilter<T>> logger) : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        // MassTransit's consume span continues the sender's trace (its MT-Activity-Id header), so the trace id is the
        // correlation id; a message from a sender without a trace falls back to the id it carries.
        Correlation.Current = context.CorrelationId ?? context.MessageId;
        var correlationId = Correlation.Current;
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = correlationId is { } id ? Correlation.Format(id) : null,
            ["MessageId"] = context.MessageId,
            ["MessageType"] = typeof(T).Name,
        }))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next.Send(context);
            // One line per handled message: with the scope's CorrelationId, an operator can follow an order across services.
            logger.LogInformation("Consumed {MessageType} {MessageId} in {ElapsedMs:0.0} ms", typeof(T).Name, context.MessageId,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("correlation");
}
