using System.Diagnostics;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Messaging;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Marketplace.ServiceDefaults.Telemetry;

public sealed class TelemetryOptions
{
    /// <summary>Spans each instance keeps for GET /ops/traces/{traceId}.</summary>
    public int RecentSpans { get; set; } = 10_000;

    /// <summary>When true, /metrics answers operators only. The gateway sets it: it faces the users.</summary>
    public bool MetricsForOperatorsOnly { get; set; }
}

/// <summary>
/// OpenTelemetry for every service: traces of ASP.NET Core, HttpClient, Npgsql, MassTransit and the outbox relay, kept
/// in a ring per instance (/ops/traces/{traceId}) and sent by OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set;
/// metrics scraped by Prometheus at /metrics. With no endpoint configured nothing connects anywhere.
/// </summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration("Telemetry");
        var recent = new RecentSpans(builder.Configuration.GetValue("Telemetry:RecentSpans", new TelemetryOptions().RecentSpans));
        builder.Services.AddSingleton(recent);
        // ASP.NET Core starts each request's trace with the propagator it finds here: ours also honours X-Correlation-Id.
        builder.Services.AddSingleton<DistributedContextPropagator>(new CorrelationPropagator(DistributedContextPropagator.Current));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .WithTracing(tracing => tracing
                .AddSource(DiagnosticHeaders.DefaultListenerName, OutboxRelay.ActivitySourceName, Jobs.JobCorrelationFilter.ActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsPlumbing(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddProcessor(new RecentSpansProcessor(recent)))
            .WithMetrics(metrics => metrics
                // http.server.request.duration by http.route: requests and latency per endpoint.
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime", "Npgsql", InstrumentationOptions.MeterName, MarketplaceMetrics.MeterName)
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Traces, metrics and logs to the collector named by the standard OTEL_EXPORTER_OTLP_* variables.
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// Database commands are traced only inside a trace (a request, a message, a relay publish): the loops that poll
    /// the outbox and the jobs would otherwise fill the ring with a root span every few hundred milliseconds.
    /// </summary>
    public static NpgsqlDataSourceBuilder TraceOnlyWithinTraces(this NpgsqlDataSourceBuilder builder) =>
        builder.ConfigureTracing(o => o
            .EnablePhysicalOpenTracing(false)
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .ConfigureCopyOperationFilter(_ => Activity.Current is not null));

    public static WebApplication MapTelemetry(this WebApplication app)
    {
        var scrape = app.MapPrometheusScrapingEndpoint("/metrics");
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsForOperatorsOnly)
            scrape.RequireAuthorization(Roles.Operator);
        else
            // A service's own port is not public: the gateway does not forward /api/<service>/metrics (see ServiceRoutes).
            scrape.AllowAnonymous();
        app.MapTraces();
        return app;
    }

    private static bool IsPlumbing(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
