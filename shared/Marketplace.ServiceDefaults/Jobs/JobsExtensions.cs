using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.ServiceDefaults.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire with its storage in the service's own database (schema "hangfire"), a server started once the database is
    /// migrated, the relay that hands committed job intents to it, and the operators' dashboard.
    /// </summary>
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration("Jobs");
        // Created on first use (by the server after migration, the dashboard or a client), not when the host is built:
        // on a first start the database does not exist until the migration has made it.
        builder.Services.AddSingleton<JobStorage>(services =>
        {
            var options = services.GetRequiredService<IOptions<JobOptions>>().Value;
            var connection = new NpgsqlConnectionStringBuilder(services.GetRequiredService<ServiceDatabase>().ConnectionString)
            {
                ApplicationName = "hangfire",
                // Hangfire's statements are its own; our auto-prepare settings are for ours.
                MaxAutoPrepare = 0,
                // Its own pool, bounded: 4 workers each hold a LISTEN connection while they wait, plus the schedulers and
                // the heartbeat; unbounded, nine instances' Hangfire pools ate into PostgreSQL's connections under load.
                MaxPoolSize = 20,
                ConnectionIdleLifetime = 60,
            };
            var storageOptions = new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                // New jobs wake the workers through LISTEN/NOTIFY instead of each worker polling the queue table.
                EnableLongPolling = true,
                QueuePollInterval = options.QueuePollInterval,
                // A running job keeps its claim alive by heartbeat, so a long import is never fetched a second time;
                // a job whose instance died is fetched again once its heartbeats stop.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
                DistributedLockTimeout = TimeSpan.FromMinutes(1),
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connection.ConnectionString, storageOptions), storageOptions)
            {
                JobExpirationTimeout = options.SucceededRetention,
            };
        });
        // This host's own activator (AddHangfire would hand out the process-wide JobActivator.Current, the last host's).
        builder.Services.AddSingleton<JobActivator>(services =>
            new Hangfire.AspNetCore.AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((services, config) =>
        {
            config.UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            if (!GlobalJobFilters.Filters.Any(f => f.Instance is JobCorrelationFilter)) config.UseFilter(new JobCorrelationFilter());
        });
        builder.Services.AddHostedService<JobServerHost>();
        builder.Services.AddHostedService<JobIntentRelay>();
        builder.Services.AddSingleton<JobsMarker>();
        return builder;
    }

    /// <summary>
    /// A job Hangfire runs every <paramref name="interval"/> (whole seconds dividing a minute, whole minutes dividing an
    /// hour, or whole hours dividing a day: a cron schedule, so every instance agrees on the times).
    /// </summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, TimeSpan interval)
        where TJob : class, IRecurringJob =>
        services.AddSingleton(new RecurringJobDefinition(id, typeof(TJob), CronSchedule.Every(interval)));

    /// <summary>As above, with the interval read from the service's bound options when the server starts.</summary>
    public static IServiceCollection AddRecurringJob<TJob, TOptions>(this IServiceCollection services, string id, Func<TOptions, TimeSpan> interval)
        where TJob : class, IRecurringJob where TOptions : class =>
        services.AddSingleton(provider => new RecurringJobDefinition(id, typeof(TJob),
            CronSchedule.Every(interval(provider.GetRequiredService<IOptions<TOptions>>().Value))));

    /// <summary>
    /// The Hangfire dashboard at /hangfire, operators only (a bearer token, or the portal's operator cookie). Links are
    /// written for the gateway's address of it: /api/&lt;service&gt;/hangfire.
    /// </summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app, string serviceName)
    {
        if (app.ServiceProvider.GetService<JobsMarker>() is null) return app;
        app.MapHangfireDashboardWithAuthorizationPolicy(Roles.Operator, "/hangfire", new DashboardOptions
        {
            PrefixPath = $"/api/{serviceName}",
            AppPath = "/#/ops/jobs",
            DashboardTitle = $"{serviceName} · jobs",
            DisplayStorageConnectionString = false,
            DarkModeEnabled = false,
        });
        app.MapJobOperations();
        return app;
    }
}

internal sealed class JobsMarker;

public sealed record RecurringJobDefinition(string Id, Type JobType, string Cron);

/// <summary>Intervals as cron schedules (Hangfire's recurring jobs take cron; six fields when seconds are needed).</summary>
public static class CronSchedule
{
    public static string Every(TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero || interval.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A recurring job's interval is a positive whole number of seconds.");
        var seconds = (int)interval.TotalSeconds;
        if (seconds < 60 && 60 % seconds == 0) return $"*/{seconds} * * * * *";
        if (seconds % 60 == 0 && seconds < 3600 && 60 % (seconds / 60) == 0) return $"0 */{seconds / 60} * * * *";
        if (seconds % 3600 == 0 && seconds <= 86400 && 24 % (seconds / 3600) == 0) return $"0 0 */{seconds / 3600} * * *";
        throw new ArgumentOutOfRangeException(nameof(interval), interval,
            "A recurring job's interval must divide a minute (seconds), an hour (minutes) or a day (hours).");
    }
}
