using Marketplace.Gateway.Features;
using Marketplace.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Gateway.Bootstrap;

/// <summary>
/// Creates the first operator from configuration (Bootstrap:OperatorEmail, Bootstrap:OperatorPassword, optionally
/// Bootstrap:OperatorName) when no account has that e-mail. It starts after the migrations, so the tables exist, and
/// the insert is ON CONFLICT DO NOTHING, so two gateways starting at once create it once. An existing account is never
/// changed: rotating the configured password does not reset it.
/// </summary>
public sealed class OperatorBootstrap(IConfiguration configuration, NpgsqlDataSource db, IPasswordHasher<Account> hasher,
    ILogger<OperatorBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var email = configuration["Bootstrap:OperatorEmail"];
        var password = configuration["Bootstrap:OperatorPassword"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password)) return;

        var request = new CreateOperator.Request(email, password, configuration["Bootstrap:OperatorName"] ?? "Platform operator");
        var problems = new CreateOperator.Validator().Validate(request);
        if (!problems.IsValid)
        {
            // Refuse to start rather than run without the operator the configuration asked for.
            throw new InvalidOperationException($"Bootstrap operator is misconfigured: {problems}");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        if (await CreateOperator.CreateAsync(connection, request, hasher) is { } userId)
        {
            logger.LogInformation("Created the bootstrap operator {Email} ({UserId})", Account.NormaliseEmail(email), userId);
            return;
        }
        var existing = await Account.ByEmailAsync(connection, email);
        if (existing is not null && existing.Role != Roles.Operator)
        {
            logger.LogWarning("Bootstrap operator e-mail {Email} already belongs to a {Role} account; no operator was created",
                existing.Email, existing.Role);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
