using Dapper;
using Npgsql;

namespace Marketplace.Tasks.Domain;

/// <summary>Ends an exam attempt's test: the score is right answers over all test items (unanswered ones count as
/// wrong); at or above the pass mark grants the exam's qualification.</summary>
public static class ExamScoring
{
    /// <returns>false when the attempt was not being tested (already finished, or still in training).</returns>
    public static async Task<bool> FinishAsync(NpgsqlTransaction tx, Guid attemptId)
    {
        const string sql = """
            WITH attempt AS (
                SELECT a.id, a.exam_id, a.worker_id, e.pass_mark, e.qualification, e.task_type, e.industry
                FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
                WHERE a.id = @attemptId AND a.status = 'testing'
                FOR UPDATE OF a),
            tally AS (
                SELECT t.id,
                       (SELECT count(*)::int FROM exam_answers x WHERE x.attempt_id = t.id AND x.part = 'test' AND x.correct) AS correct,
                       (SELECT count(*)::int FROM exam_attempt_items d WHERE d.attempt_id = t.id) AS total
                FROM attempt t),
            scored AS (
                UPDATE exam_attempts a
                SET status = CASE WHEN round(tally.correct::numeric / tally.total, 4) >= t.pass_mark THEN 'passed' ELSE 'failed' END,
                    correct = tally.correct, total = tally.total, score = round(tally.correct::numeric / tally.total, 4), finished_at = now()
                FROM attempt t, tally
                WHERE a.id = t.id AND tally.id = t.id
                RETURNING a.id, a.status, a.score),
            granted AS (
                INSERT INTO worker_qualifications (worker_id, qualification, task_type, industry, score, exam_id, attempt_id)
                SELECT t.worker_id, t.qualification, t.task_type, t.industry, s.score, t.exam_id, s.id
                FROM scored s JOIN attempt t ON t.id = s.id
                WHERE s.status = 'passed'
                ON CONFLICT (worker_id, qualification) DO UPDATE
                SET task_type = excluded.task_type, industry = excluded.industry, score = excluded.score,
                    exam_id = excluded.exam_id, attempt_id = excluded.attempt_id, granted_at = now())
            SELECT count(*) FROM scored
            """;
        return await tx.Connection!.ExecuteScalarAsync<long>(sql, new { attemptId }, tx) == 1;
    }
}
