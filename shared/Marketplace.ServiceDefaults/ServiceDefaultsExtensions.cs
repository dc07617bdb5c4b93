using System.Reflection;
using System.Text.Json;
using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Data;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>What every service has: its database (migrated at start), structured logs, auth, ProblemDetails, health, OpenAPI, metrics and traces (jobs: AddJobs).</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName, Assembly serviceAssembly)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        builder.WebHost.RaiseKestrelLimits();
        var identity = new ServiceIdentity(serviceName, serviceAssembly);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });

        builder.Services.AddOptions<PostgresOptions>().BindConfiguration("Postgres");
        builder.Services.AddSingleton(services =>
        {
            var postgres = services.GetRequiredService<IOptions<PostgresOptions>>().Value;
            return new ServiceDatabase(new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
            {
                Database = postgres.Database ?? $"marketplace_{serviceName}",
                // Statements a service runs again and again (claims, the outbox relay) are prepared on the server after
                // their second use, so PostgreSQL plans them once per connection instead of on every call.
                MaxAutoPrepare = 64,
                AutoPrepareMinUsages = 2,
            }.ConnectionString);
        });
        // Npgsql's spans only inside a trace: the polling loops would otherwise start a root span several times a second.
        builder.Services.AddSingleton(services => new NpgsqlDataSourceBuilder(services.GetRequiredService<ServiceDatabase>().ConnectionString).TraceOnlyWithinTraces().Build());
        // Hosted services start in registration order: migrate before the bus, the relays and the jobs (AddJobs) start.
        builder.Services.AddHostedService<MigrationHostedService>();

        // Every ProblemDetails carries a stable code (ProblemCodes) for clients that show errors in their users' language.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemCodes.Apply);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseBusyExceptionHandler>();
        builder.Services.AddRateLimitingProblems();
        builder.Services.AddRateLimits();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });

        // Every validator of the service, found in its assembly. A rule stops at its first failure: a missing list must
        // not reach the Must() that walks it (a 500, not a 400).
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        builder.Services.AddValidatorsFromAssembly(serviceAssembly, ServiceLifetime.Singleton);

        builder.AddMarketplaceAuth();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddOpenApiDocuments(serviceName);
        builder.AddTelemetry(serviceName);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseClientAddress();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseEdgeLimits();
        app.Use((context, next) => InputHygiene.CheckAsync(context, () => next(context)));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = WriteHealth,
            // A service whose broker endpoints are down cannot do its work: report it, don't hide it behind 200.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapOperations();
        app.MapTelemetry();
        app.MapJobsDashboard(app.Services.GetRequiredService<ServiceIdentity>().Name);
        return app;
    }

    /// <summary>
    /// Anyone (a load balancer, infra/up.sh) gets the status alone; an operator's token also gets each check and what it
    /// says. No check says an exception's text: that is logged, never answered.
    /// </summary>
    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        if (!context.User.IsInRole(Roles.Operator))
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }));
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                Description = e.Value.Exception is null ? e.Value.Description : $"failed ({e.Value.Exception.GetType().Name}); see the service's log",
            }),
        }));
    }
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var migrated = await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('outbox_messages') IS NOT NULL");
            return migrated ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not migrated yet");
        }
        catch (Exception e)
        {
            // The exception's text (host names, roles, SQL) goes to the log, not into the answer.
            logger.LogWarning(e, "The database health check failed");
            return HealthCheckResult.Unhealthy("The database cannot be reached.");
        }
    }
}
