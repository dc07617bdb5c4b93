using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Runs an endpoint again when PostgreSQL chose its transaction as a deadlock victim, as PostgreSQL's documentation
/// advises: the victim's transaction was rolled back whole, so a handler that only changes the database (and sends
/// messages through the outbox) can simply be run again. Without it the user got a 500 for a race that was not theirs
/// (seen under the money property test: a submit against tasks' own withdrawal of a cancelled order's work).
/// </summary>
public static class DeadlockRetry
{
    private const int Attempts = 4;

    public static RouteHandlerBuilder RetryOnDeadlock(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await next(context);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < Attempts)
                {
                    await Task.Delay(Random.Shared.Next(10, 50) * attempt, context.HttpContext.RequestAborted);
                }
            }
        });
}
