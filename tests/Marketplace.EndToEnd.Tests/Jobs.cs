using System.Net;
using Dapper;
using Npgsql;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Deadlines without waiting for the clock: the cluster runs with long windows (review, appeal, earnings hold, pending
/// escrow), and a test that needs one to pass moves that one deadline into the past in the owning service's database
/// (deadlines are data) and runs the sweep now through the operators' API, waiting until the run has succeeded.
/// </summary>
public static class Jobs
{
    /// <summary>Runs a service's recurring job now (POST /ops/jobs/recurring/{id}/trigger) and waits until it succeeded.</summary>
    public static async Task RunNowAsync(string service, string recurringJobId)
    {
        var op = await Api.OperatorAsync();
        var started = await Api.ReadAsync(await op.PostAsync($"/api/{service}/ops/jobs/recurring/{recurringJobId}/trigger"), HttpStatusCode.Accepted);
        await SucceededAsync(op, service, started.GetProperty("jobId").GetString()!);
    }

    /// <summary>Waits until a Hangfire job of the service has succeeded; its failure fails the test with the reason.</summary>
    public static async Task SucceededAsync(Actor op, string service, string jobId)
    {
        string? state = null;
        await Api.EventuallyAsync(async () =>
        {
            var job = await op.GetAsync($"/api/{service}/ops/jobs/{jobId}");
            state = job.GetProperty("state").GetString();
            if (state is "Failed" or "Deleted")
                Assert.Fail($"{service} job {jobId} ended {state}: {job.GetProperty("history")}");
            return state == "Succeeded";
        }, $"{service} job {jobId} succeeds", TimeSpan.FromSeconds(60));
    }

    /// <summary>The submissions' review window ends now, and the auto-approve sweep runs.</summary>
    public static async Task AutoApproveNowAsync(params Guid[] assignmentIds)
    {
        await ExecuteAsync("tasks", "UPDATE assignments SET auto_approve_at = now() - interval '1 second' WHERE id = ANY(@assignmentIds) AND status = 'submitted'",
            new { assignmentIds });
        await RunNowAsync("tasks", "auto-approve-due");
    }

    /// <summary>The rejection's appeal window ends now, and the sweep that replaces standing rejections runs.</summary>
    public static async Task EndAppealWindowAsync(Guid assignmentId)
    {
        await ExecuteAsync("tasks", "UPDATE assignments SET appealable_until = now() - interval '1 second' WHERE id = @assignmentId", new { assignmentId });
        await RunNowAsync("tasks", "replace-standing-rejections");
    }

    /// <summary>
    /// Waits until the worker has earned <paramref name="earned"/> in all (the approvals have reached payouts), then ends
    /// the hold on their held earnings and runs the release.
    /// </summary>
    public static async Task ReleaseEarningsAsync(Actor worker, decimal earned)
    {
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == earned,
            $"worker {worker.UserId} has earned {earned}");
        await ReleaseHeldEarningsAsync(worker.UserId);
    }

    /// <summary>
    /// Waits until the worker's <paramref name="earned"/> is out of its hold: available, or already in a payout. Fixtures
    /// run two at a time and any of them may run a payout batch, which pays every worker with money available; so a test
    /// that has not run its own batch yet may find its worker paid already, and only the sum is certain.
    /// </summary>
    public static async Task ReleasedAsync(Actor worker, decimal earned)
    {
        await Api.EventuallyAsync(async () =>
        {
            var e = await worker.GetAsync("/api/payouts/earnings");
            return e.Money("held") == 0m && e.Money("available") + e.Money("inFlight") + e.Money("paidOut") == earned;
        }, $"worker {worker.UserId} has {earned} out of its hold");
    }

    /// <summary>Ends the hold on every held earning of these workers now and runs the release.</summary>
    public static async Task ReleaseHeldEarningsAsync(params Guid[] workerIds)
    {
        await ExecuteAsync("payouts", "UPDATE earnings SET available_at = now() - interval '1 second' WHERE status = 'held' AND worker_id = ANY(@workerIds)",
            new { workerIds });
        await RunNowAsync("payouts", "release-held-earnings");
    }

    /// <summary>
    /// Time passes for an order's deadline: it is moved to <paramref name="fromNow"/> from now (negative: it has passed),
    /// and the deadline sweep runs (a day before it warns the enterprise; once passed, unfinished crowd work expires).
    /// </summary>
    public static async Task MoveDeadlineAsync(Guid orderId, TimeSpan fromNow)
    {
        await ExecuteAsync("orders", "UPDATE orders SET terms = jsonb_set(terms, '{deadline}', to_jsonb(now() + @fromNow)) WHERE id = @orderId",
            new { orderId, fromNow });
        await RunNowAsync("orders", "order-deadlines");
    }

    /// <summary>The order's reserved budget (pending escrow) reaches its expiry now, and the expiry sweep runs.</summary>
    public static async Task ExpireReservationAsync(Guid orderId)
    {
        // The ledger refuses any change to a pending transfer but its resolution (a trigger): this test-only move of its
        // expiry goes around the trigger for this one statement (session_replication_role needs the test's superuser).
        await ExecuteAsync("settlement", """
            SET session_replication_role = replica;
            UPDATE pending_transfers SET expires_at = now() - interval '1 second' WHERE order_id = @orderId AND status = 'pending';
            SET session_replication_role = origin;
            """, new { orderId });
        await RunNowAsync("settlement", "expire-pending-escrow");
    }

    /// <summary>
    /// Evidence that every consumer of <paramref name="service"/> that applied the message also received its second copy
    /// and skipped it (the inbox counts skipped copies): no sleep stands in for "nothing else happened".
    /// </summary>
    public static Task DuplicateSkippedAsync(string service, Guid messageId) =>
        Api.EventuallyAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(Cluster.Database(service));
            var (consumers, skipped) = await connection.QuerySingleAsync<(long, long)>("""
                SELECT count(*), count(*) FILTER (WHERE duplicates >= 1) FROM inbox_messages WHERE message_id = @messageId
                """, new { messageId });
            return consumers > 0 && skipped == consumers;
        }, $"{service} skipped the second copy of {messageId}", TimeSpan.FromSeconds(60));

    /// <summary>Evidence that a consumer of <paramref name="service"/> has handled the message (its inbox has it).</summary>
    public static Task ConsumedAsync(string service, Guid messageId) =>
        Api.EventuallyAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(Cluster.Database(service));
            return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM inbox_messages WHERE message_id = @messageId)", new { messageId });
        }, $"{service} handled {messageId}", TimeSpan.FromSeconds(60));

    private static async Task ExecuteAsync(string service, string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.Database(service));
        await connection.ExecuteAsync(sql, parameters);
    }
}
