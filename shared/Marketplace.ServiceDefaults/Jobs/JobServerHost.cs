using Hangfire;
using Hangfire.Storage;
using Hangfire.Common;
using Hangfire.Server;
using Marketplace.ServiceDefaults.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// Starts this instance's Hangfire server once the database is migrated (hosted services start in registration order,
/// and the migration is registered first), so Hangfire never meets a database that does not exist yet. Any number of
/// instances may run one: a job is fetched by one worker at a time, and a recurring occurrence is created once.
/// </summary>
internal sealed class JobServerHost(
    IServiceProvider services,
    IOptions<JobOptions> options,
    ServiceIdentity identity,
    IEnumerable<RecurringJobDefinition> recurring,
    ILogger<JobServerHost> logger) : IHostedService
{
    private BackgroundJobServer? _server;
    private BackgroundJobServer? _longServer;

    public Task StartAsync(CancellationToken ct)
    {
        // Resolving the configuration applies AddHangfire's settings (activator, serializer, filters) to Hangfire's globals.
        services.GetRequiredService<IGlobalConfiguration>();
        var storage = services.GetRequiredService<JobStorage>();
        var settings = options.Value;
        ConfigureRetries(settings);
        RegisterRecurring(storage);
        if (!settings.Enabled) return Task.CompletedTask;
        // Two servers on one storage: the long jobs' workers take only their queue, so they can never fill every worker.
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = identity.InstanceId,
            WorkerCount = settings.WorkerCount,
            Queues = [JobQueues.Default],
            SchedulePollingInterval = settings.SchedulePollInterval,
            Activator = services.GetRequiredService<JobActivator>(),
            FilterProvider = services.GetRequiredService<IJobFilterProvider>(),
        }, storage);
        if (settings.LongWorkerCount > 0)
            _longServer = new BackgroundJobServer(new BackgroundJobServerOptions
            {
                ServerName = $"{identity.InstanceId}-long",
                WorkerCount = settings.LongWorkerCount,
                Queues = [JobQueues.Long],
                SchedulePollingInterval = settings.SchedulePollInterval,
                Activator = services.GetRequiredService<JobActivator>(),
                FilterProvider = services.GetRequiredService<IJobFilterProvider>(),
            }, storage);
        logger.LogInformation("Hangfire server {Server} started with {Workers} workers and {LongWorkers} for long jobs",
            identity.InstanceId, settings.WorkerCount, settings.LongWorkerCount);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        foreach (var server in new[] { _server, _longServer })
        {
            if (server is null) continue;
            server.SendStop();
            await server.WaitForShutdownAsync(ct);
            server.Dispose();
        }
    }

    /// <summary>A job that throws is tried again after growing delays, then failed: shown to operators, who retry or delete it.</summary>
    private static void ConfigureRetries(JobOptions settings)
    {
        GlobalJobFilters.Filters.Remove(typeof(AutomaticRetryAttribute));
        GlobalJobFilters.Filters.Add(new AutomaticRetryAttribute
        {
            Attempts = settings.RetryAttempts,
            DelaysInSeconds = settings.RetryDelaysInSeconds(),
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        });
    }

    private const int RegistrationAttempts = 20;

    private static bool IsLockTimeout(Exception e) =>
        e is Hangfire.Storage.DistributedLockTimeoutException || e.GetType().Name.Contains("DistributedLock", StringComparison.Ordinal);

    /// <summary>The schedules this build defines, and none it no longer has (a renamed or retired job stops).</summary>
    private void RegisterRecurring(JobStorage storage)
    {
        var manager = services.GetRequiredService<IRecurringJobManager>();
        foreach (var definition in recurring)
        {
            var method = definition.JobType.GetMethod(nameof(IRecurringJob.RunAsync), [typeof(CancellationToken)])!;
            var job = new Job(definition.JobType, method, CancellationToken.None);
            // Another instance's scheduler holds the schedule's lock while it enqueues a run; on a loaded machine that
            // outlasted the lock timeout and the exception stopped this instance from starting. Wait and try again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    manager.AddOrUpdate(definition.Id, job, definition.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
                    break;
                }
                catch (Exception e) when (IsLockTimeout(e) && attempt < RegistrationAttempts)
                {
                    logger.LogWarning("The schedule {Job} was locked by another instance (attempt {Attempt}); trying again", definition.Id, attempt);
                    Thread.Sleep(TimeSpan.FromSeconds(Math.Min(attempt, 5)));
                }
            }
        }
        using var connection = storage.GetConnection();
        var known = recurring.Select(r => r.Id).ToHashSet();
        foreach (var stale in connection.GetRecurringJobs().Where(j => !known.Contains(j.Id)))
            manager.RemoveIfExists(stale.Id);
    }
}
