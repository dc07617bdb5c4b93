using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features.Team;

/// <summary>
/// The talent pool: workers who passed at least one exam, as a vendor recruiting a team sees them: qualifications,
/// accuracy (the mean score of the exams that qualified them), approved answers and level. Nothing personal: a worker
/// is shown under a handle made from their id (tasks knows no names, and identity papers are not a vendor's business).
/// </summary>
public static class TalentPool
{
    public sealed record Qualification(string Name, string TaskType, string Industry, decimal Score);

    public sealed class Talent
    {
        public Guid WorkerId { get; init; }
        public string DisplayName => Handle(WorkerId);
        public decimal Accuracy { get; init; }
        public long ApprovedAnswers { get; init; }
        public string Clearance { get; init; } = "";
        public int Level => WorkerLevel.Of(ApprovedAnswers, Qualifications.Count, Clearance);
        public bool OnMyTeam { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public string QualificationsJson { get; init; } = "[]";
        public IReadOnlyList<Qualification> Qualifications =>
            System.Text.Json.JsonSerializer.Deserialize<List<Qualification>>(QualificationsJson, Json) ?? [];
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>How a worker is shown to vendors: "Worker 7F3A9C21", from the id's last (random) digits: its first ones are a
    /// version-7 id's time, the same for every worker who registered within the same minute.</summary>
    public static string Handle(Guid workerId) => $"Worker {workerId.ToString("N")[^8..].ToUpperInvariant()}";

    public static RouteGroupBuilder MapTalentPool(this RouteGroupBuilder group)
    {
        group.MapGet("/", Search).RequireAuthorization(Roles.Vendor).Produces<Paged<Talent>>();
        return group;
    }

    /// <summary>Filters: a qualification, a task type, a lowest accuracy (0-1). Best accuracy first.</summary>
    private static async Task<IResult> Search(string? qualification, string? taskType, decimal? minAccuracy, int? page, int? pageSize,
        HttpContext http, NpgsqlDataSource db)
    {
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        if (minAccuracy is < 0 or > 1) return Problems.BadRequest("minAccuracy", "'minAccuracy' is between 0 and 1.");
        if (qualification is { Length: > 100 }) return Problems.BadRequest("qualification", "'qualification' is at most 100 characters.");
        if (taskType is { Length: > 100 }) return Problems.BadRequest("taskType", "'taskType' is at most 100 characters.");
        var (number, size) = (page ?? 1, pageSize ?? 20);
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync("""
            WITH pool AS (
                SELECT q.worker_id, round(avg(q.score), 4) AS accuracy,
                       jsonb_agg(jsonb_build_object('name', q.qualification, 'taskType', q.task_type, 'industry', q.industry, 'score', q.score)
                                 ORDER BY q.granted_at) AS qualifications
                FROM worker_qualifications q
                GROUP BY q.worker_id
                HAVING (@qualification::text IS NULL OR bool_or(q.qualification = @qualification))
                   AND (@taskType::text IS NULL OR bool_or(q.task_type = @taskType))
                   AND (@minAccuracy::numeric IS NULL OR avg(q.score) >= @minAccuracy))
            SELECT p.worker_id, p.accuracy, p.qualifications::text AS qualifications_json, worker_clearance(p.worker_id) AS clearance,
                   (SELECT count(*) FROM assignments a WHERE a.worker_id = p.worker_id AND a.status = 'approved') AS approved_answers,
                   EXISTS (SELECT 1 FROM team_members m WHERE m.vendor_org_id = @OrgId AND m.worker_id = p.worker_id) AS on_my_team
            FROM pool p
            ORDER BY p.accuracy DESC, p.worker_id
            LIMIT @size OFFSET @offset;
            WITH pool AS (
                SELECT q.worker_id FROM worker_qualifications q GROUP BY q.worker_id
                HAVING (@qualification::text IS NULL OR bool_or(q.qualification = @qualification))
                   AND (@taskType::text IS NULL OR bool_or(q.task_type = @taskType))
                   AND (@minAccuracy::numeric IS NULL OR avg(q.score) >= @minAccuracy))
            SELECT count(*) FROM pool;
            """, new { qualification, taskType, minAccuracy, caller.OrgId, size, offset = (number - 1) * size });
        var items = (await read.ReadAsync<Talent>()).AsList();
        return TypedResults.Ok(new Paged<Talent>(items, await read.ReadSingleAsync<long>(), number, size));
    }
}
