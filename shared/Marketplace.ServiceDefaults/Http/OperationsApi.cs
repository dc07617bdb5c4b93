using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>Every service's operator surface: its durable jobs and their runs, and its failed messages.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops").RequireAuthorization(Roles.Operator).WithTags("Operations");

        ops.MapGet("/jobs", async (NpgsqlDataSource db, string? status, int? limit) =>
        {
            if (status is not null && status is not ("scheduled" or "running" or "succeeded" or "failed" or "cancelled"))
                return Problems.BadRequest("status", "status must be one of scheduled, running, succeeded, failed, cancelled.");
            var take = Math.Clamp(limit ?? 100, 1, 1000);
            await using var connection = await db.OpenConnectionAsync();
            const string sql = """
                SELECT id, name, status, run_at, attempts, max_attempts, locked_by, last_error, created_at, finished_at
                FROM jobs
                WHERE @status::text IS NULL OR status = @status
                ORDER BY id DESC
                LIMIT @take
                """;
            return Results.Ok(await connection.QueryAsync<JobView>(sql, new { status, take }));
        });

        ops.MapGet("/jobs/runs", async (NpgsqlDataSource db, string? outcome, int? limit) =>
        {
            var take = Math.Clamp(limit ?? 100, 1, 1000);
            await using var connection = await db.OpenConnectionAsync();
            const string sql = """
                SELECT id, job_id, job_name, attempt, instance, started_at, finished_at, outcome, error
                FROM job_runs
                WHERE @outcome::text IS NULL OR outcome = @outcome
                ORDER BY id DESC
                LIMIT @take
                """;
            return Results.Ok(await connection.QueryAsync<JobRunView>(sql, new { outcome, take }));
        });

        ops.MapPost("/jobs/{id:long}/retry", async (NpgsqlDataSource db, long id) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var status = await connection.ExecuteScalarAsync<string?>("SELECT status FROM jobs WHERE id = @id", new { id });
            if (status is null) return Problems.NotFound($"Job {id}");
            if (status != "failed") return Problems.Conflict($"Only a failed job can be retried; job {id} is {status}.", status);
            await connection.ExecuteAsync("""
                UPDATE jobs SET status = 'scheduled', run_at = now(), attempts = 0, finished_at = NULL
                WHERE id = @id AND status = 'failed'
                """, new { id });
            return Results.Accepted($"/ops/jobs/{id}", new { id, status = "scheduled" });
        });

        // A service without a bus (the gateway) has no error queues.
        if (app.ServiceProvider.GetService(typeof(DeadLetters)) is null) return app;

        ops.MapGet("/dead-letters", async (DeadLetters deadLetters, int? limit, CancellationToken ct) =>
            Results.Ok(await deadLetters.ListAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)));

        ops.MapPost("/dead-letters/{queue}/{messageId}/replay", async (DeadLetters deadLetters, string queue, string messageId, CancellationToken ct) =>
            await deadLetters.ReplayAsync(queue, messageId, ct)
                ? Results.Accepted(value: new { queue, messageId, replayed = true })
                : Problems.NotFound($"Message {messageId} in {queue}_error"));

        return app;
    }

    private sealed record JobView(long Id, string Name, string Status, DateTime RunAt, int Attempts, int MaxAttempts,
        string? LockedBy, string? LastError, DateTime CreatedAt, DateTime? FinishedAt);

    private sealed record JobRunView(long Id, long JobId, string JobName, int Attempt, string Instance,
        DateTime StartedAt, DateTime? FinishedAt, string Outcome, string? Error);
}
