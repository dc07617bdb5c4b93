using MassTransit;
using Microsoft.Extensions.Logging;

namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>Carries the message's correlation id into logs and into any message the consumer writes.</summary>
public sealed class CorrelationConsumeFilter<T>(ILogger<CorrelationConsumeFilter<T>> logger) : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        Correlation.Current = context.CorrelationId ?? context.MessageId;
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = Correlation.Current,
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
