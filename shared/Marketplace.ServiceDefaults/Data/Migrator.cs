using System.Reflection;
using Dapper;
using Npgsql;

namespace Marketplace.ServiceDefaults.Data;

/// <summary>
/// Applies forward-only numbered .sql files (the platform's own, then the service's) once each,
/// recorded in a journal table. An advisory lock makes two instances starting at once take turns.
/// </summary>
public static class Migrator
{
    private const long MigrationLockKey = 7_361_002_001;

    public static async Task EnsureDatabaseAsync(string serverConnectionString, string database, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        var exists = await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @database)", new { database });
        if (exists) return;
        try
        {
            await connection.ExecuteAsync($"CREATE DATABASE \"{database.Replace("\"", "")}\"");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it a moment ago.
        }
    }

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, IEnumerable<Assembly> assemblies, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey });
        try
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id         text        PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """);
            var applied = (await connection.QueryAsync<string>("SELECT id FROM schema_migrations")).ToHashSet();
            foreach (var (id, sql) in Scripts(assemblies))
            {
                if (applied.Contains(id)) continue;
                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (id) VALUES (@id)", new { id }, tx);
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey });
        }
    }

    private static IEnumerable<(string Id, string Sql)> Scripts(IEnumerable<Assembly> assemblies)
    {
        foreach (var assembly in assemblies)
        {
            var prefix = assembly.GetName().Name;
            var names = assembly.GetManifestResourceNames()
                .Where(n => n.EndsWith(".sql", StringComparison.Ordinal) && n.Contains(".Database.", StringComparison.Ordinal))
                .OrderBy(n => n, StringComparer.Ordinal);
            foreach (var name in names)
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var file = name[(name.IndexOf(".Database.", StringComparison.Ordinal) + ".Database.".Length)..];
                yield return ($"{prefix}/{file}", reader.ReadToEnd());
            }
        }
    }
}
