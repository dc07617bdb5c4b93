namespace Marketplace.ServiceDefaults.Data;

public sealed class PostgresOptions
{
    /// <summary>Server and credentials, without a database: each service owns its own database.</summary>
    public string ConnectionString { get; set; } = "Host=127.0.0.1;Port=55432;Username=marketplace";

    /// <summary>Defaults to marketplace_&lt;service&gt;.</summary>
    public string? Database { get; set; }
}

/// <summary>
/// The service's own database as a full connection string, credentials included, for libraries that open their own
/// connections (Hangfire): an NpgsqlDataSource's ConnectionString leaves the password out.
/// </summary>
public sealed record ServiceDatabase(string ConnectionString);
