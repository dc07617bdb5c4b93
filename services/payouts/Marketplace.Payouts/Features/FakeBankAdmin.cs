using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>Tell the fake bank how to behave, and see what it received (a real bank's statement would show this).</summary>
public static class SetFakeBankMode
{
    public sealed record Request(string Mode);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Mode).NotEmpty().Must(m => m is "succeed" or "decline" or "timeout" or "duplicate-callback")
            .WithMessage("'Mode' must be succeed, decline, timeout or duplicate-callback.");
    }

    public static RouteGroupBuilder MapSetFakeBankMode(this RouteGroupBuilder group)
    {
        group.MapPut("/mode", async (Request request, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await connection.ExecuteAsync("UPDATE fake_bank_settings SET mode = @Mode WHERE id = 1", request);
            return TypedResults.Ok(request);
        }).RequireAuthorization(Roles.Operator).Validate<Request>();
        return group;
    }

    public sealed record Transfer(string Reference, Guid WorkerId, decimal Amount, string Currency, DateTime ReceivedAt, int Callbacks);

    public static RouteGroupBuilder MapListFakeBankTransfers(this RouteGroupBuilder group)
    {
        group.MapGet("/transfers", async (Guid? workerId, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            return TypedResults.Ok(await connection.QueryAsync<Transfer>("""
                SELECT reference, worker_id, amount, currency, received_at,
                       (SELECT count(*)::int FROM fake_bank_callbacks c WHERE c.reference = t.reference) AS callbacks
                FROM fake_bank_transfers t
                WHERE @workerId::uuid IS NULL OR worker_id = @workerId
                ORDER BY received_at DESC LIMIT 1000
                """, new { workerId }));
        }).RequireAuthorization(Roles.Operator);
        return group;
    }
}
