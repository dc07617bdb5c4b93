using Dapper;
using Marketplace.ServiceDefaults.Data;
using Npgsql;

namespace Marketplace.Platform.Tests;

/// <summary>A fresh, migrated database on the test PostgreSQL (infra/test.sh starts it and sets Postgres__ConnectionString).</summary>
public static class TestDatabase
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("Postgres__ConnectionString")
        ?? "Host=127.0.0.1;Port=61432;Username=marketplace;Password=test";

    /// <param name="services">Modules whose migrations run after the shared ones (e.g. typeof(SettlementModule).Assembly).</param>
    public static async Task<NpgsqlDataSource> CreateAsync(string purpose, params System.Reflection.Assembly[] services)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var name = $"platform_{purpose}_{Guid.NewGuid():N}"[..40];
        await Migrator.EnsureDatabaseAsync(ServerConnectionString, name, CancellationToken.None);
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await Migrator.MigrateAsync(dataSource, [typeof(Migrator).Assembly, .. services], CancellationToken.None);
        return dataSource;
    }
}
