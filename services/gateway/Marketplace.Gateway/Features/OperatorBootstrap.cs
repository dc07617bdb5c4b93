using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Gateway.Features;

/// <summary>
/// Creates the first operator from configuration (infra/up.sh passes it) when that account does not exist yet.
/// Registered after the migrations, so the tables exist; two gateways starting at once insert it once.
/// </summary>
public sealed class OperatorBootstrap(IConfiguration configuration, NpgsqlDataSource db, IPasswordHasher<Account> hasher,
    ILogger<OperatorBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var email = configuration["Bootstrap:OperatorEmail"];
        var password = configuration["Bootstrap:OperatorPassword"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password)) return;
        await using var connection = await db.OpenConnectionAsync(ct);
        var created = await CreateOperator.CreateAsync(connection, new CreateOperator.Request(email, password, "Platform operator"), hasher);
        if (created is not null) logger.LogInformation("Created the first operator account {Email}", email);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
