using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>Every service's operator surface for failed messages (jobs: the Hangfire dashboard and Jobs/JobOperations).</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops").RequireAuthorization(Roles.Operator).WithTags("Operations");

        // A service without a bus (the gateway) has no error queues.
        if (app.ServiceProvider.GetService(typeof(DeadLetters)) is null) return app;

        ops.MapGet("/dead-letters", async (DeadLetters deadLetters, int? limit, CancellationToken ct) =>
            Results.Ok(await deadLetters.ListAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)))
            .Produces<IReadOnlyList<DeadLetter>>().ProducesProblem(StatusCodes.Status400BadRequest);

        ops.MapPost("/dead-letters/{queue}/{messageId}/replay", async (DeadLetters deadLetters, string queue, string messageId, CancellationToken ct) =>
            await deadLetters.ReplayAsync(queue, messageId, ct)
                ? Results.Accepted(value: new ReplayedMessage(queue, messageId, true))
                : Problems.NotFound($"Message {messageId} in {queue}_error"))
            .Produces<ReplayedMessage>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    public sealed record ReplayedMessage(string Queue, string MessageId, bool Replayed);
}
