using MassTransit;
using Marketplace.ServiceDefaults.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ with publisher confirms and quorum queues; queues are named
    /// &lt;service&gt;-&lt;consumer&gt; so each service gets its own copy of an event and instances compete.
    /// </summary>
    public static WebApplicationBuilder AddMessaging(this WebApplicationBuilder builder, Action<IBusRegistrationConfigurator> consumers)
    {
        var rabbit = builder.Configuration.GetSection("RabbitMq").Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        builder.Services.AddSingleton(rabbit);
        var service = builder.Services.BuildServiceIdentity();
        var endpoints = new ReceiveEndpointNames();
        builder.Services.AddSingleton(endpoints);

        builder.Services.AddMassTransit(x =>
        {
            // MassTransit reports usage to its vendor's host on the internet by default; a platform trusted with graded data
            // talks only to the servers it is configured for.
            x.DisableUsageTelemetry();
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service.Name, false));
            consumers(x);
            x.AddConfigureEndpointsCallback((context, name, cfg) =>
            {
                endpoints.Add(name);
                if (cfg is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                {
                    rabbitEndpoint.SetQuorumQueue();
                }
                // A message that fails for good goes to the endpoint's own _error queue; no Fault<T> is published (nobody
                // consumes one, and a service may write only to its own exchanges and those of what it publishes).
                cfg.PublishFaults = false;
                cfg.UseMessageRetry(r => r.Intervals(200, 1000, 3000, 5000));
                cfg.UseConsumeFilter(typeof(CorrelationConsumeFilter<>), context);
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    h.PublisherConfirmation = true;
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                });
                // The bus endpoint (where answers to this instance's requests arrive) is named for the service like its other
                // queues, so its RabbitMQ permissions ("<service>-...", infra/message-routes.conf) cover it.
                cfg.OverrideDefaultBusEndpointQueueName($"{service.Name}-bus-{Guid.NewGuid():N}");
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            // Start even when the broker is down: the outbox keeps what must be sent until it returns.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddSingleton<WakeSignal>();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<OutboxGauges>();
        builder.Services.AddSingleton<DeadLetters>();
        return builder;
    }

    private static ServiceIdentity BuildServiceIdentity(this IServiceCollection services) =>
        (ServiceIdentity)services.Single(d => d.ServiceType == typeof(ServiceIdentity)).ImplementationInstance!;
}

/// <summary>The receive endpoints (queues) this service consumes from; their error queues are &lt;name&gt;_error.</summary>
public sealed class ReceiveEndpointNames
{
    private readonly HashSet<string> _names = [];

    public void Add(string name)
    {
        lock (_names) _names.Add(name);
    }

    public IReadOnlyList<string> All
    {
        get { lock (_names) return _names.Order().ToList(); }
    }
}
