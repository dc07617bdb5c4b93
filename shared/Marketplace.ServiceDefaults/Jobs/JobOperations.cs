using Dapper;
using Hangfire;
using Hangfire.Storage;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// What the dashboard does by hand, as API for operators' scripts (and the tests, which run a sweep on demand instead
/// of waiting for its schedule): run a recurring job now, read a job's state, and follow a job request (a job intent) to the Hangfire job it became.
/// </summary>
internal static class JobOperations
{
    public static IEndpointRouteBuilder MapJobOperations(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops/jobs").RequireAuthorization(Roles.Operator).WithTags("Operations");

        ops.MapPost("/recurring/{id}/trigger", (string id, JobStorage storage, IRecurringJobManagerV2 manager) =>
        {
            using (var connection = storage.GetConnection())
            {
                if (!connection.GetRecurringJobs([id]).Any(j => j.Job is not null)) return Problems.NotFound($"Recurring job {id}");
            }
            var jobId = manager.TriggerJob(id);
            return Results.Accepted($"/ops/jobs/{jobId}", new Triggered(id, jobId));
        }).Produces<Triggered>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        ops.MapGet("/{jobId}", (string jobId, JobStorage storage) =>
        {
            if (!long.TryParse(jobId, out _)) return Problems.BadRequest("jobId", "'jobId' is a Hangfire job id (a number).");
            var details = storage.GetMonitoringApi().JobDetails(jobId);
            if (details is null) return Problems.NotFound($"Job {jobId}");
            var history = details.History.Select(h => new JobState(h.StateName, h.CreatedAt, h.Reason)).ToList();
            return Results.Ok(new JobView(jobId, details.Job is { } job ? $"{job.Type.Name}.{job.Method.Name}" : null,
                history.FirstOrDefault()?.State, details.CreatedAt, history));
        }).Produces<JobView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/requests/{requestId:long}", async (long requestId, NpgsqlDataSource db, JobStorage storage) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var request = await connection.QuerySingleOrDefaultAsync<JobRequest>("""
                SELECT id, job_type, run_at, created_at, enqueued_at, hangfire_job_id FROM job_intents WHERE id = @requestId
                """, new { requestId });
            if (request is null) return Problems.NotFound($"Job request {requestId}");
            var state = request.HangfireJobId is { } id ? storage.GetMonitoringApi().JobDetails(id)?.History.FirstOrDefault()?.StateName : null;
            // Requested: not handed to Hangfire yet; Expired: Hangfire has deleted the finished job's record.
            return Results.Ok(new JobRequestView(requestId, request.JobType.Split(',')[0].Split('.')[^1], request.RunAt, request.CreatedAt,
                request.EnqueuedAt, request.HangfireJobId, state ?? (request.HangfireJobId is null ? "Requested" : "Expired")));
        }).Produces<JobRequestView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record Triggered(string RecurringJobId, string JobId);

    public sealed record JobState(string State, DateTime At, string? Reason);

    public sealed record JobView(string JobId, string? Job, string? State, DateTime? CreatedAt, IReadOnlyList<JobState> History);

    public sealed record JobRequestView(long RequestId, string Job, DateTime? RunAt, DateTime CreatedAt, DateTime? EnqueuedAt,
        string? JobId, string State);

    private sealed record JobRequest(long Id, string JobType, DateTime? RunAt, DateTime CreatedAt, DateTime? EnqueuedAt, string? HangfireJobId);
}
