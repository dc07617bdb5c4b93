using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker's profile: clearance and how it was reached, qualifications, exam attempts (their scores are the accuracy
/// history so far), counts of submitted and approved work, and the level those give. The worker sees their own; an
/// operator anyone's.
/// </summary>
public static class WorkerProfile
{
    public sealed record AgreementState(int CurrentVersion, int? SignedVersion, DateTime? SignedAt, bool SignedCurrent);

    public sealed record VettingState(string Status, string VetterRole, DateTime DecidedAt);

    public sealed record Qualification(string Name, string TaskType, string Industry, decimal Score, Guid ExamId, DateTime GrantedAt);

    public sealed record Attempt(Guid AttemptId, Guid ExamId, string ExamName, string Qualification, string Status, decimal? Score,
        DateTime StartedAt, DateTime? FinishedAt, DateTime? RetakeAt);

    public sealed record Work(long Submitted, long Approved);

    public sealed record Level(int Current, int? Next, long? ApprovedForNext, int? QualificationsForNext, string? ClearanceForNext);

    public sealed record Profile(Guid WorkerId, string Clearance, IdentityVerification.View? Identity, AgreementState Agreement,
        VettingState? Vetting, IReadOnlyList<Qualification> Qualifications, IReadOnlyList<Attempt> ExamAttempts, Work Work, Level Level);

    public static RouteGroupBuilder MapWorkerProfile(this RouteGroupBuilder group)
    {
        group.MapGet("/me", (HttpContext http, NpgsqlDataSource db) => LoadAsync(db, Caller.From(http.User).UserId)).RequireAuthorization(Roles.Worker);
        group.MapGet("/{workerId:guid}", (Guid workerId, NpgsqlDataSource db) => LoadAsync(db, workerId)).RequireAuthorization(Roles.Operator);
        group.MapGet("/me/clearance", ClearanceOf).RequireAuthorization(Roles.Worker).Produces<ClearanceView>();
        return group;
    }

    public sealed record ClearanceView(string Clearance);

    /// <summary>Only the clearance (one function call): the gateway asks it to decide which instructions the worker may read.</summary>
    private static async Task<Ok<ClearanceView>> ClearanceOf(HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return TypedResults.Ok(new ClearanceView(await connection.ExecuteScalarAsync<string>("SELECT worker_clearance(@UserId)",
            new { Caller.From(http.User).UserId }) ?? Domain.Clearance.None));
    }

    /// <summary>One round trip. Tasks knows workers only by what they did here, so an unknown id is an empty profile.</summary>
    public static async Task<Ok<Profile>> LoadAsync(NpgsqlDataSource db, Guid workerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var results = await connection.QueryMultipleAsync($"""
            SELECT worker_clearance(@workerId);
            SELECT {IdentityVerification.Columns} FROM worker_identities WHERE worker_id = @workerId;
            SELECT (SELECT max(version) FROM confidentiality_agreements) AS current_version, s.version AS signed_version, s.signed_at,
                   coalesce(s.version = (SELECT max(version) FROM confidentiality_agreements), false) AS signed_current
            FROM (SELECT 1) one
            LEFT JOIN LATERAL (SELECT version, signed_at FROM agreement_signatures WHERE worker_id = @workerId
                               ORDER BY version DESC LIMIT 1) s ON true;
            SELECT status, vetter_role, decided_at FROM worker_vettings WHERE worker_id = @workerId;
            SELECT qualification AS name, task_type, industry, score, exam_id, granted_at FROM worker_qualifications
            WHERE worker_id = @workerId ORDER BY granted_at;
            SELECT a.id AS attempt_id, a.exam_id, e.name AS exam_name, e.qualification, a.status, a.score, a.started_at, a.finished_at,
                   CASE WHEN a.status = 'failed' THEN a.finished_at + make_interval(secs => e.retake_cooldown_seconds) END AS retake_at
            FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
            WHERE a.worker_id = @workerId ORDER BY a.started_at DESC LIMIT 100;
            SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL) AS submitted, count(*) FILTER (WHERE status = 'approved') AS approved
            FROM assignments WHERE worker_id = @workerId AND status IN ('submitted', 'approved');
            """, new { workerId });
        var clearance = await results.ReadSingleAsync<string>();
        var identity = await results.ReadSingleOrDefaultAsync<IdentityVerification.View>();
        var agreement = await results.ReadSingleAsync<AgreementState>();
        var vetting = await results.ReadSingleOrDefaultAsync<VettingState>();
        var qualifications = (await results.ReadAsync<Qualification>()).ToList();
        var attempts = (await results.ReadAsync<Attempt>()).ToList();
        var work = await results.ReadSingleAsync<Work>();
        var level = WorkerLevel.Of(work.Approved, qualifications.Count, clearance);
        var next = WorkerLevel.Next(level);
        return TypedResults.Ok(new Profile(workerId, clearance, identity, agreement, vetting, qualifications, attempts, work,
            new Level(level, next?.Level, next?.Approved, next?.Qualifications, next?.Clearance)));
    }
}
