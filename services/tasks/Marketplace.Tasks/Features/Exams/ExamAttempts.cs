using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Jobs;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker takes an exam: training first (every answer gets feedback at once: right or not, a line on how far off, and
/// the item's explanation; items may be tried again), then the test (each item answered once, no feedback, a time
/// limit). The test is scored when the last item is answered, when the worker finishes, or at the time limit (a durable
/// job; a late request also finishes it). Passing grants the qualification; after a fail the worker may start again
/// once the exam's cooldown has passed. Known answers never leave the service except to operators. The test draws its
/// items from the exam's pool (the ones this worker has seen least first), and shows the worker only the score: which
/// test answers were wrong is for operators, so a throwaway account cannot harvest the answers.
/// </summary>
public static class ExamAttempts
{
    public sealed class TrainingItem
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public bool Answered { get; init; }
        public bool? Correct { get; init; }
        public int Tries { get; init; }
        /// <summary>Shown once the item has been answered: it is the feedback.</summary>
        public string? Explanation { get; init; }
    }

    public sealed class TestItem
    {
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public bool Answered { get; init; }
        /// <summary>Only to operators, once the test is over (a worker sees the score alone).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public bool? Correct { get; init; }
    }

    public sealed class AttemptView
    {
        public Guid Id { get; init; }
        public Guid ExamId { get; init; }
        public Guid WorkerId { get; init; }
        public string ExamName { get; init; } = "";
        public string Qualification { get; init; } = "";
        public string Instructions { get; init; } = "";
        public string TaskType { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public bool MultiLabel { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public string CriteriaJson { get; init; } = "[]";
        public JsonElement Criteria => JsonDocument.Parse(CriteriaJson).RootElement.Clone();
        public string Status { get; init; } = "";
        public decimal PassMark { get; init; }
        public int TimeLimitSeconds { get; init; }
        public DateTime StartedAt { get; init; }
        public DateTime? TestStartedAt { get; init; }
        public DateTime? TestDeadline { get; init; }
        public DateTime? FinishedAt { get; init; }
        public int? Correct { get; init; }
        public int? Total { get; init; }
        public decimal? Score { get; init; }
        public DateTime? RetakeAt { get; init; }
        public IReadOnlyList<TrainingItem> TrainingItems { get; set; } = [];
        /// <summary>Empty until the test starts.</summary>
        public IReadOnlyList<TestItem> TestItems { get; set; } = [];
    }

    public sealed record TrainingFeedback(string ItemId, bool Correct, string Detail, string Explanation, int TrainingAnswered, int TrainingTotal);

    public sealed record TestReceipt(string ItemId, int Answered, int Total, string AttemptStatus);

    public static RouteGroupBuilder MapExamStart(this RouteGroupBuilder exams)
    {
        exams.MapPost("/{examId:guid}/attempts", Start).RequireAuthorization(Roles.Worker)
            .Produces<AttemptView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return exams;
    }

    public static RouteGroupBuilder MapExamAttempts(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}", Get).RequireAuthorization("worker-or-operator")
            .Produces<AttemptView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/training/{itemId}", AnswerTraining).RequireAuthorization(Roles.Worker).Validate<SubmitAnswer.Request>()
            .Produces<TrainingFeedback>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/test", StartTest).RequireAuthorization(Roles.Worker)
            .Produces<AttemptView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/test/{itemId}", AnswerTest).RequireAuthorization(Roles.Worker).Validate<SubmitAnswer.Request>()
            .Produces<TestReceipt>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/finish", Finish).RequireAuthorization(Roles.Worker)
            .Produces<AttemptView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>Scores tests whose time is up, in a transaction of its own (the job does it too; this makes the answer
    /// right even before the job runs).</summary>
    private static async Task FinishOverdueAsync(NpgsqlConnection connection, Guid? workerId, Guid? attemptId)
    {
        await using var tx = await connection.BeginTransactionAsync();
        var overdue = await connection.QueryAsync<Guid>("""
            SELECT id FROM exam_attempts
            WHERE (worker_id = @workerId OR id = @attemptId) AND status = 'testing' AND test_deadline <= now()
            """, new { workerId, attemptId }, tx);
        foreach (var id in overdue) await ExamScoring.FinishAsync(tx, id);
        await tx.CommitAsync();
    }

    private static async Task<IResult> Start(Guid examId, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await FinishOverdueAsync(connection, caller.UserId, null);
        await using var tx = await connection.BeginTransactionAsync();
        if (await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM exams WHERE id = @examId", new { examId }, tx) is null)
            return Problems.NotFound($"Exam {examId}");
        var last = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Status, DateTime? RetakeAt, bool Cooling)?>("""
            SELECT a.id, a.status, a.finished_at + make_interval(secs => e.retake_cooldown_seconds),
                   a.status = 'failed' AND a.finished_at + make_interval(secs => e.retake_cooldown_seconds) > now()
            FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
            WHERE a.exam_id = @examId AND a.worker_id = @UserId
            ORDER BY a.started_at DESC LIMIT 1
            """, new { examId, caller.UserId }, tx);
        if (last is { } previous)
        {
            if (previous.Status is "training" or "testing")
                return Refusals.Conflict("You are already taking this exam; carry on with that attempt.", previous.Status,
                    new Dictionary<string, object?> { ["attemptId"] = previous.Id });
            if (previous.Status == "passed")
                return Refusals.Conflict("You passed this exam already.", "passed", new Dictionary<string, object?> { ["attemptId"] = previous.Id });
            if (previous.Cooling)
                return Refusals.Conflict($"You may take this exam again from {previous.RetakeAt:O}.", "cooldown",
                    new Dictionary<string, object?> { ["attemptId"] = previous.Id, ["retakeAt"] = previous.RetakeAt });
        }
        var id = Guid.CreateVersion7();
        try
        {
            await connection.ExecuteAsync("INSERT INTO exam_attempts (id, exam_id, worker_id) VALUES (@id, @examId, @UserId)",
                new { id, examId, caller.UserId }, tx);
            await tx.CommitAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Problems.Conflict("You are already taking this exam; carry on with that attempt.", "training");
        }
        return TypedResults.Created($"/exam-attempts/{id}", await LoadAsync(connection, id, null));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await FinishOverdueAsync(connection, null, id);
        var view = await LoadAsync(connection, id, caller.IsOperator ? null : caller.UserId);
        return view is null ? Problems.NotFound($"Exam attempt {id}") : TypedResults.Ok(view);
    }

    private sealed class LockedAttempt
    {
        public Guid ExamId { get; init; }
        public string Status { get; init; } = "";
        public int TimeLimitSeconds { get; init; }
        public string TaskType { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public bool MultiLabel { get; init; }
        public string CriteriaJson { get; init; } = "[]";

        public TaskTemplate Template() => new(TaskType, Labels, MultiLabel,
            JsonSerializer.Deserialize<List<RubricCriterion>>(CriteriaJson, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? []);
    }

    /// <summary>The caller's own attempt, locked for the rest of the transaction (null: not theirs, or no such attempt).</summary>
    private static Task<LockedAttempt?> LockOwnAsync(NpgsqlTransaction tx, Guid id, Guid workerId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<LockedAttempt>("""
            SELECT a.exam_id, a.status, e.time_limit_seconds, e.task_type, e.labels, e.multi_label, e.criteria::text AS criteria_json
            FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
            WHERE a.id = @id AND a.worker_id = @workerId
            FOR UPDATE OF a
            """, new { id, workerId }, tx);

    private sealed class KnownItem
    {
        public string Content { get; init; } = "";
        public string KnownAnswerJson { get; init; } = "null";
        public string? Explanation { get; init; }
    }

    private static Task<KnownItem?> ItemAsync(NpgsqlTransaction tx, Guid examId, string part, string itemId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<KnownItem>("""
            SELECT content, known_answer::text AS known_answer_json, explanation FROM exam_items
            WHERE exam_id = @examId AND part = @part AND item_id = @itemId
            """, new { examId, part, itemId }, tx);

    private static async Task<IResult> AnswerTraining(Guid id, string itemId, SubmitAnswer.Request request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await FinishOverdueAsync(connection, caller.UserId, null);
        await using var tx = await connection.BeginTransactionAsync();
        var attempt = await LockOwnAsync(tx, id, caller.UserId);
        if (attempt is null) return Problems.NotFound($"Exam attempt {id}");
        if (attempt.Status != "training")
            return Problems.Conflict($"This attempt is {attempt.Status}; training answers are taken before the test starts.", attempt.Status);
        var item = await ItemAsync(tx, attempt.ExamId, "training", itemId);
        if (item is null) return Problems.NotFound($"Training item '{itemId}'");
        var template = attempt.Template();
        if (AnswerRules.Check(template, item.Content, request.Answer) is { } problem) return Problems.BadRequest("answer", problem);
        using var known = JsonDocument.Parse(item.KnownAnswerJson);
        var comparison = KnownAnswers.Compare(template, request.Answer, known.RootElement);
        var (answered, total) = await connection.QuerySingleAsync<(int, int)>("""
            WITH saved AS (
                INSERT INTO exam_answers (attempt_id, part, item_id, answer, correct) VALUES (@id, 'training', @itemId, @answer::jsonb, @correct)
                ON CONFLICT (attempt_id, part, item_id) DO UPDATE
                SET answer = excluded.answer, correct = excluded.correct, tries = exam_answers.tries + 1, answered_at = now()
                RETURNING item_id)
            SELECT (SELECT count(*)::int FROM exam_answers WHERE attempt_id = @id AND part = 'training' AND item_id <> @itemId) + 1,
                   (SELECT count(*)::int FROM exam_items WHERE exam_id = @examId AND part = 'training')
            FROM saved
            """, new { id, itemId, answer = request.Answer.GetRawText(), correct = comparison.Correct, attempt.ExamId }, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(new TrainingFeedback(itemId, comparison.Correct, comparison.Detail, item.Explanation ?? "", answered, total));
    }

    private static async Task<IResult> StartTest(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var attempt = await LockOwnAsync(tx, id, caller.UserId);
        if (attempt is null) return Problems.NotFound($"Exam attempt {id}");
        if (attempt.Status != "training") return Problems.Conflict($"This attempt is {attempt.Status}; the test starts once, after training.", attempt.Status);
        var unanswered = (await connection.QueryAsync<string>("""
            SELECT i.item_id FROM exam_items i
            WHERE i.exam_id = @ExamId AND i.part = 'training'
              AND NOT EXISTS (SELECT 1 FROM exam_answers x WHERE x.attempt_id = @id AND x.part = 'training' AND x.item_id = i.item_id)
            ORDER BY i.position
            """, new { attempt.ExamId, id }, tx)).ToList();
        if (unanswered.Count > 0)
            return Refusals.Conflict($"Answer every training item before the test ({unanswered.Count} left).", "training",
                new Dictionary<string, object?> { ["unansweredTrainingItems"] = unanswered });
        var deadline = await connection.ExecuteScalarAsync<DateTime>("""
            UPDATE exam_attempts SET status = 'testing', test_started_at = now(), test_deadline = now() + make_interval(secs => @TimeLimitSeconds)
            WHERE id = @id
            RETURNING test_deadline
            """, new { id, attempt.TimeLimitSeconds }, tx);
        // The draw: test_draw items of the pool, those this worker was given least often in earlier attempts first (then
        // at random); shown in the exam's own order.
        await connection.ExecuteAsync("""
            INSERT INTO exam_attempt_items (attempt_id, position, item_id)
            SELECT @id, (row_number() OVER (ORDER BY d.position))::int - 1, d.item_id
            FROM (SELECT i.item_id, i.position, random() AS r,
                         (SELECT count(*) FROM exam_attempt_items p JOIN exam_attempts pa ON pa.id = p.attempt_id
                          WHERE pa.exam_id = @ExamId AND pa.worker_id = @UserId AND p.item_id = i.item_id) AS seen
                  FROM exam_items i WHERE i.exam_id = @ExamId AND i.part = 'test'
                  ORDER BY seen, r
                  LIMIT (SELECT coalesce(test_draw, 2147483647) FROM exams WHERE id = @ExamId)) d
            """, new { id, attempt.ExamId, caller.UserId }, tx);
        await JobIntents.EnqueueAsync<FinishExamAttempt, FinishExamAttempt.Payload>(tx, new(id),
            new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc)), uniqueKey: $"finish-exam-attempt:{id}");
        await tx.CommitAsync();
        return TypedResults.Ok(await LoadAsync(connection, id, caller.UserId));
    }

    private static async Task<IResult> AnswerTest(Guid id, string itemId, SubmitAnswer.Request request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await FinishOverdueAsync(connection, caller.UserId, null);
        await using var tx = await connection.BeginTransactionAsync();
        var attempt = await LockOwnAsync(tx, id, caller.UserId);
        if (attempt is null) return Problems.NotFound($"Exam attempt {id}");
        if (attempt.Status != "testing")
        {
            return Problems.Conflict(attempt.Status == "training"
                ? "The test has not started; start it after training."
                : $"The test is over ({attempt.Status}); answers are no longer taken.", attempt.Status);
        }
        var item = await connection.QuerySingleOrDefaultAsync<KnownItem>("""
            SELECT i.content, i.known_answer::text AS known_answer_json, i.explanation
            FROM exam_attempt_items d JOIN exam_items i ON i.exam_id = @ExamId AND i.part = 'test' AND i.item_id = d.item_id
            WHERE d.attempt_id = @id AND d.item_id = @itemId
            """, new { attempt.ExamId, id, itemId }, tx);
        if (item is null) return Problems.NotFound($"Test item '{itemId}'");
        var template = attempt.Template();
        if (AnswerRules.Check(template, item.Content, request.Answer) is { } problem) return Problems.BadRequest("answer", problem);
        using var known = JsonDocument.Parse(item.KnownAnswerJson);
        var correct = KnownAnswers.Compare(template, request.Answer, known.RootElement).Correct;
        var saved = await connection.ExecuteAsync("""
            INSERT INTO exam_answers (attempt_id, part, item_id, answer, correct) VALUES (@id, 'test', @itemId, @answer::jsonb, @correct)
            ON CONFLICT (attempt_id, part, item_id) DO NOTHING
            """, new { id, itemId, answer = request.Answer.GetRawText(), correct }, tx);
        if (saved == 0) return Problems.Conflict($"Test item '{itemId}' is answered already; each test item is answered once.", "answered");
        var (answered, total) = await connection.QuerySingleAsync<(int, int)>("""
            SELECT (SELECT count(*)::int FROM exam_answers WHERE attempt_id = @id AND part = 'test'),
                   (SELECT count(*)::int FROM exam_attempt_items WHERE attempt_id = @id)
            """, new { id }, tx);
        var status = "testing";
        if (answered == total)
        {
            await ExamScoring.FinishAsync(tx, id);
            status = await connection.ExecuteScalarAsync<string>("SELECT status FROM exam_attempts WHERE id = @id", new { id }, tx) ?? status;
        }
        await tx.CommitAsync();
        return TypedResults.Ok(new TestReceipt(itemId, answered, total, status));
    }

    /// <summary>Hands in the test before every item is answered; the unanswered ones count as wrong.</summary>
    private static async Task<IResult> Finish(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await FinishOverdueAsync(connection, caller.UserId, null);
        await using var tx = await connection.BeginTransactionAsync();
        var attempt = await LockOwnAsync(tx, id, caller.UserId);
        if (attempt is null) return Problems.NotFound($"Exam attempt {id}");
        if (attempt.Status != "testing")
        {
            return Problems.Conflict($"This attempt is {attempt.Status}; only a test in progress can be finished.", attempt.Status);
        }
        await ExamScoring.FinishAsync(tx, id);
        await tx.CommitAsync();
        return TypedResults.Ok(await LoadAsync(connection, id, caller.UserId));
    }

    private sealed class ItemRow
    {
        public string Part { get; init; } = "";
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        public bool Answered { get; init; }
        public bool? Correct { get; init; }
        public int Tries { get; init; }
        public string? Explanation { get; init; }
    }

    /// <param name="workerId">Only this worker's attempt (null: an operator, any attempt).</param>
    public static async Task<AttemptView?> LoadAsync(NpgsqlConnection connection, Guid id, Guid? workerId)
    {
        var view = await connection.QuerySingleOrDefaultAsync<AttemptView>("""
            SELECT a.id, a.exam_id, a.worker_id, e.name AS exam_name, e.qualification, e.instructions, e.task_type, e.labels, e.multi_label,
                   e.criteria::text AS criteria_json, a.status, e.pass_mark, e.time_limit_seconds, a.started_at, a.test_started_at,
                   a.test_deadline, a.finished_at, a.correct, a.total, a.score,
                   CASE WHEN a.status = 'failed' THEN a.finished_at + make_interval(secs => e.retake_cooldown_seconds) END AS retake_at
            FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
            WHERE a.id = @id AND (@workerId::uuid IS NULL OR a.worker_id = @workerId)
            """, new { id, workerId });
        if (view is null) return null;
        var items = (await connection.QueryAsync<ItemRow>("""
            SELECT i.part, i.item_id, i.content, x.attempt_id IS NOT NULL AS answered, x.correct, coalesce(x.tries, 0) AS tries, i.explanation
            FROM exam_items i
            LEFT JOIN exam_attempt_items d ON i.part = 'test' AND d.attempt_id = @id AND d.item_id = i.item_id
            LEFT JOIN exam_answers x ON x.attempt_id = @id AND x.part = i.part AND x.item_id = i.item_id
            WHERE i.exam_id = @ExamId AND (i.part = 'training' OR (@testing AND d.attempt_id IS NOT NULL))
            ORDER BY i.part DESC, coalesce(d.position, i.position)
            """, new { id, view.ExamId, testing = view.Status != "training" })).ToList();
        var over = view.Status is "passed" or "failed";
        var operatorView = workerId is null;
        view.TrainingItems = items.Where(i => i.Part == "training").Select(i => new TrainingItem
        {
            ItemId = i.ItemId, Content = i.Content, Answered = i.Answered, Correct = i.Correct, Tries = i.Tries,
            Explanation = i.Answered ? i.Explanation : null,
        }).ToList();
        view.TestItems = items.Where(i => i.Part == "test").Select(i => new TestItem
        {
            ItemId = i.ItemId, Content = i.Content, Answered = i.Answered, Correct = over && operatorView ? i.Correct ?? false : null,
        }).ToList();
        return view;
    }
}
