using Marketplace.Payouts.Jobs;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Dapper;
using Npgsql;

namespace Marketplace.Payouts.Features;

/// <summary>An operator runs a payout batch now, besides the schedule. The job, not this request, moves the money.</summary>
public static class TriggerPayoutBatch
{
    /// <param name="RequestId">The job request: GET /api/payouts/ops/jobs/requests/{id} shows the Hangfire job it became.</param>
    public sealed record Response(long RequestId, string Status);

    public static RouteGroupBuilder MapTriggerPayoutBatch(this RouteGroupBuilder group)
    {
        group.MapPost("/", Handle).RequireAuthorization(Roles.Operator).WithIdempotencyKey()
            .Produces<Response>(StatusCodes.Status202Accepted);
        group.MapPost("/me", PayMeNow).RequireAuthorization(Roles.Worker).RequireOrgRole(OrgPermission.MoveMoney).WithIdempotencyKey()
            .Produces<Response>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>A worker asks to be paid their available balance now, without waiting for the schedule.</summary>
    private static async Task<IResult> PayMeNow(HttpContext http, NpgsqlDataSource db, TimeProvider clock,
        Microsoft.Extensions.Options.IOptions<Domain.PayoutOptions> options)
    {
        var caller = Caller.From(http.User);
        var scope = $"pay-me-now:{caller.UserId}";
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, scope, new { });
        if (answer is not null) return answer;
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM payout_methods WHERE worker_id = @UserId)", new { caller.UserId }, tx))
            return Problems.Conflict("Set a payout method first (PUT /api/payouts/method): there is nowhere to send the money.");
        var available = await connection.ExecuteScalarAsync<decimal?>(
            "SELECT available FROM worker_balances WHERE worker_id = @UserId AND currency = 'CNY'", new { caller.UserId }, tx) ?? 0m;
        var payable = Domain.PayoutRounding.Payable(available);
        if (payable < options.Value.MinimumPayout || payable <= 0)
            return Problems.Conflict($"{available:0.00##} CNY is available; the minimum payout is {options.Value.MinimumPayout:0.00} CNY.",
                new { available, minimumPayout = options.Value.MinimumPayout });
        var requestId = await JobIntents.EnqueueAsync<RunPayoutBatch, RunPayoutBatch.Payload>(tx, new(false, caller.UserId));
        var response = new Response(requestId!.Value, "scheduled");
        await Idempotency.CompleteAsync(tx, scope, key, StatusCodes.Status202Accepted, response);
        await tx.CommitAsync();
        return TypedResults.Accepted("/payouts", response);
    }

    private static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, TimeProvider clock)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (answer, key) = await Idempotency.BeginAsync(tx, http.Request, "payout-batch", new { });
        if (answer is not null) return answer;
        var requestId = await JobIntents.EnqueueAsync<RunPayoutBatch, RunPayoutBatch.Payload>(tx, new(false));
        var response = new Response(requestId!.Value, "scheduled");
        await Idempotency.CompleteAsync(tx, "payout-batch", key, StatusCodes.Status202Accepted, response);
        await tx.CommitAsync();
        return TypedResults.Accepted($"/ops/jobs/requests/{response.RequestId}", response);
    }
}
