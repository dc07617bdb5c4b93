using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.ServiceDefaults.Data;

/// <summary>Registered before the bus, the relays and the Hangfire server, so all start on a migrated database.</summary>
internal sealed class MigrationHostedService(
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> options,
    ServiceIdentity identity,
    ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var attempt = 0;
        while (true)
        {
            try
            {
                await Migrator.EnsureDatabaseAsync(options.Value.ConnectionString, dataSource.DatabaseName(), ct);
                await Migrator.MigrateAsync(dataSource, [typeof(Migrator).Assembly, identity.Assembly], ct);
                logger.LogInformation("Database {Database} migrated", dataSource.DatabaseName());
                return;
            }
            catch (NpgsqlException e) when (e is not PostgresException && ++attempt < 30)
            {
                logger.LogWarning("PostgreSQL not reachable yet ({Message}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

public sealed record ServiceIdentity(string Name, Assembly Assembly)
{
    public string InstanceId { get; } = $"{Name}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}

internal static class DataSourceExtensions
{
    public static string DatabaseName(this NpgsqlDataSource dataSource) =>
        new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database!;
}
