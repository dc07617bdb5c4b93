using Marketplace.Payouts.Jobs;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>An operator runs a payout batch now, besides the schedule. The job, not this request, moves the money.</summary>
public static class TriggerPayoutBatch
{
    public sealed record Response(long JobId, string Status);

    public static RouteGroupBuilder MapTriggerPayoutBatch(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle).RequireAuthorization(Roles.Operator);
        return group;
    }

    private static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, TimeProvider clock)
    {
        var key = Idempotency.KeyOf(http.Request);
        if (key is null) return Idempotency.MissingKey();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var claim = await Idempotency.ClaimAsync(tx, "payout-batch", key, new { });
        if (claim.Outcome == IdempotencyOutcome.Replay) return Idempotency.ReplayOf(claim);
        if (claim.Outcome == IdempotencyOutcome.Mismatch) return Idempotency.KeyReused();
        var jobId = await JobScheduler.ScheduleAsync(tx, RunPayoutBatch.Name, null, clock.GetUtcNow(), maxAttempts: 3);
        var response = new Response(jobId!.Value, "scheduled");
        await Idempotency.CompleteAsync(tx, "payout-batch", key, StatusCodes.Status202Accepted, response);
        await tx.CommitAsync();
        return TypedResults.Accepted($"/ops/jobs", response);
    }
}
