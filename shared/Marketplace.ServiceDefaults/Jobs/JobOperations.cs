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
            return Results.Accepted($"/ops/jobs/{jobId}", new { recurringJobId = id, jobId });
        });

        ops.MapGet("/{jobId}", (string jobId, JobStorage storage) =>
        {
            if (!long.TryParse(jobId, out _)) return Problems.BadRequest("jobId", "'jobId' is a Hangfire job id (a number).");
            var details = storage.GetMonitoringApi().JobDetails(jobId);
            if (details is null) return Problems.NotFound($"Job {jobId}");
            var history = details.History.Select(h => new { state = h.StateName, at = h.CreatedAt, reason = h.Reason }).ToList();
            return Results.Ok(new
            {
                jobId,
                job = details.Job is { } job ? $"{job.Type.Name}.{job.Method.Name}" : null,
                state = history.FirstOrDefault()?.state,
                createdAt = details.CreatedAt,
                history,
            });
        });
        ops.MapGet("/requests/{requestId:long}", async (long requestId, NpgsqlDataSource db, JobStorage storage) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var request = await connection.QuerySingleOrDefaultAsync<JobRequest>("""
                SELECT id, job_type, run_at, created_at, enqueued_at, hangfire_job_id FROM job_intents WHERE id = @requestId
                """, new { requestId });
            if (request is null) return Problems.NotFound($"Job request {requestId}");
            var state = request.HangfireJobId is { } id ? storage.GetMonitoringApi().JobDetails(id)?.History.FirstOrDefault()?.StateName : null;
            return Results.Ok(new
            {
                requestId,
                job = request.JobType.Split(',')[0].Split('.')[^1],
                request.RunAt,
                request.CreatedAt,
                request.EnqueuedAt,
                jobId = request.HangfireJobId,
                // Requested: not handed to Hangfire yet; Expired: Hangfire has deleted the finished job's record.
                state = state ?? (request.HangfireJobId is null ? "Requested" : "Expired"),
            });
        });
        return app;
    }

    private sealed record JobRequest(long Id, string JobType, DateTime? RunAt, DateTime CreatedAt, DateTime? EnqueuedAt, string? HangfireJobId);
}
