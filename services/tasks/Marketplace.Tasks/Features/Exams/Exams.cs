using System.Text.Json;
using Dapper;
using FluentValidation;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// An operator defines an exam that grants a qualification: the task template it examines, training items (known
/// answer and an explanation each) and test items (known answer). Workers see the exam and its items' contents; only
/// operators see known answers and explanations (a worker gets an explanation as feedback on a training answer).
/// </summary>
public static class Exams
{
    /// <summary>The orders service's industries (orders validates an order's industry against the same list).</summary>
    public static readonly string[] Industries =
        ["medical", "autonomous-driving", "industrial-inspection", "geographic", "finance", "education", "culture-media", "other"];

    public const int MaxTrainingItems = 100;
    public const int MaxTestItems = 200;
    public const int MaxKnownAnswerLength = 10_000;

    public sealed record Item(string Id, string Content, JsonElement KnownAnswer, string? Explanation);

    public sealed record Criterion(string Name, int Min, int Max);

    public sealed record Request(string Qualification, string Name, string? Instructions, string TaskType, string? Industry,
        string[]? Labels, bool? MultiLabel, Criterion[]? Criteria, decimal PassMark, int TimeLimitSeconds, int? RetakeCooldownSeconds,
        Item[] TrainingItems, Item[] TestItems, int? TestItemsPerAttempt = null)
    {
        public TaskTemplate Template() => new(TaskType ?? "", Labels ?? [], MultiLabel ?? false,
            (Criteria ?? []).Select(c => new RubricCriterion(c?.Name ?? "", c?.Min ?? 0, c?.Max ?? 0)).ToList());
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Qualification).NotEmpty().MaximumLength(100).Must(q => q == q.Trim()).WithMessage("'Qualification' must not start or end with spaces.");
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Instructions).MaximumLength(20_000);
            RuleFor(r => r.TaskType).NotEmpty();
            RuleFor(r => r.Industry).Must(i => i is null || Industries.Contains(i)).WithMessage($"'Industry' must be one of {string.Join(", ", Industries)}.");
            RuleFor(r => r.PassMark).GreaterThan(0m).LessThanOrEqualTo(1m)
                .Must(m => decimal.Round(m, 4) == m).WithMessage("'Pass Mark' has at most 4 decimal places.");
            RuleFor(r => r.TimeLimitSeconds).InclusiveBetween(5, 86_400);
            RuleFor(r => r.RetakeCooldownSeconds).InclusiveBetween(0, 2_592_000).When(r => r.RetakeCooldownSeconds is not null);
            RuleFor(r => r.TrainingItems).NotEmpty().Must(i => i.Length <= MaxTrainingItems).WithMessage($"At most {MaxTrainingItems} training items.");
            RuleFor(r => r.TestItems).NotEmpty().Must(i => i.Length <= MaxTestItems).WithMessage($"At most {MaxTestItems} test items.");
            RuleFor(r => r.TestItemsPerAttempt).Must((r, n) => n >= 1 && n <= (r.TestItems?.Length ?? 0))
                .When(r => r.TestItemsPerAttempt is not null)
                .WithMessage("'Test Items Per Attempt' must be between 1 and the number of test items (the pool each attempt draws from).");
            RuleFor(r => r).Custom((request, context) =>
            {
                var template = request.Template();
                var problems = template.Problems();
                foreach (var (field, message) in problems) context.AddFailure(field, message);
                if (problems.Count > 0 || request.TaskType is null) return;
                CheckItems(context, template, "trainingItems", request.TrainingItems, explain: true);
                CheckItems(context, template, "testItems", request.TestItems, explain: false);
            });
        }

        private static void CheckItems(ValidationContext<Request> context, TaskTemplate template, string field, Item[]? items, bool explain)
        {
            if (items is null) return;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < items.Length; i++)
            {
                var item = items[i];
                var at = $"{field}[{i}]";
                if (item is null) { context.AddFailure(at, "An item is required here."); continue; }
                if (string.IsNullOrWhiteSpace(item.Id) || item.Id.Length > 200) context.AddFailure($"{at}.id", "Each item has an id of 1 to 200 characters.");
                else if (!seen.Add(item.Id)) context.AddFailure($"{at}.id", $"Item id '{item.Id}' appears twice.");
                if (string.IsNullOrWhiteSpace(item.Content)) { context.AddFailure($"{at}.content", "'Content' is required."); continue; }
                if (ItemRules.Check(template.TaskType, item.Content) is { } bad) { context.AddFailure($"{at}.content", $"Item '{item.Id}': {bad}."); continue; }
                if (item.KnownAnswer.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) && item.KnownAnswer.GetRawText().Length > MaxKnownAnswerLength)
                    context.AddFailure($"{at}.knownAnswer", $"A known answer is at most {MaxKnownAnswerLength} characters of JSON.");
                else if (AnswerRules.Check(template, item.Content, item.KnownAnswer) is { } wrong)
                    context.AddFailure($"{at}.knownAnswer", $"Known answer of '{item.Id}': {wrong.Replace("'Answer'", "it")}");
                if (explain && string.IsNullOrWhiteSpace(item.Explanation))
                    context.AddFailure($"{at}.explanation", "Each training item needs an explanation (the worker's feedback).");
                if (item.Explanation is { Length: > 5000 }) context.AddFailure($"{at}.explanation", "An explanation is at most 5000 characters.");
            }
        }
    }

    /// <summary>What a worker sees of an exam; an operator also gets the items with their known answers.</summary>
    public sealed class ExamView
    {
        public Guid Id { get; init; }
        public string Qualification { get; init; } = "";
        public string Name { get; init; } = "";
        public string Instructions { get; init; } = "";
        public string TaskType { get; init; } = "";
        public string Industry { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public bool MultiLabel { get; init; }
        [System.Text.Json.Serialization.JsonIgnore] public string CriteriaJson { get; init; } = "[]";
        public JsonElement Criteria => JsonDocument.Parse(CriteriaJson).RootElement.Clone();
        public decimal PassMark { get; init; }
        public int TimeLimitSeconds { get; init; }
        public int RetakeCooldownSeconds { get; init; }
        public int TrainingItemCount { get; init; }
        /// <summary>How many test items each attempt draws from the pool.</summary>
        public int TestItemCount { get; init; }
        /// <summary>How many test items the pool holds.</summary>
        public int TestPoolSize { get; init; }
        public DateTime CreatedAt { get; init; }
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<ItemView>? TrainingItems { get; set; }
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<ItemView>? TestItems { get; set; }

        public TaskTemplate Template() => new(TaskType, Labels, MultiLabel,
            JsonSerializer.Deserialize<List<RubricCriterion>>(CriteriaJson, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? []);
    }

    public sealed class ItemView
    {
        [System.Text.Json.Serialization.JsonIgnore] public string Part { get; init; } = "";
        public string ItemId { get; init; } = "";
        public string Content { get; init; } = "";
        [System.Text.Json.Serialization.JsonIgnore] public string KnownAnswerJson { get; init; } = "null";
        public JsonElement KnownAnswer => JsonDocument.Parse(KnownAnswerJson).RootElement.Clone();
        public string? Explanation { get; init; }
    }

    public const string ExamSelect = """
        SELECT e.id, e.qualification, e.name, e.instructions, e.task_type, e.industry, e.labels, e.multi_label, e.criteria::text AS criteria_json,
               e.pass_mark, e.time_limit_seconds, e.retake_cooldown_seconds, e.created_at,
               (SELECT count(*)::int FROM exam_items i WHERE i.exam_id = e.id AND i.part = 'training') AS training_item_count,
               coalesce(e.test_draw, p.size) AS test_item_count, p.size AS test_pool_size
        FROM exams e
        CROSS JOIN LATERAL (SELECT count(*)::int AS size FROM exam_items i WHERE i.exam_id = e.id AND i.part = 'test') p
        """;

    public static RouteGroupBuilder MapExams(this RouteGroupBuilder group)
    {
        group.MapPost("", Create).RequireAuthorization(Roles.Operator).Validate<Request>().Produces<ExamView>(StatusCodes.Status201Created);
        group.MapGet("", List).RequireAuthorization("worker-or-operator");
        group.MapGet("/{id:guid}", Get).RequireAuthorization("worker-or-operator")
            .Produces<ExamView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Create(Request request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        var id = Guid.CreateVersion7();
        var template = request.Template();
        var items = request.TrainingItems.Select((item, i) => (Part: "training", Position: i, Item: item))
            .Concat(request.TestItems.Select((item, i) => (Part: "test", Position: i, Item: item))).ToList();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO exams (id, qualification, name, instructions, task_type, industry, labels, multi_label, criteria, pass_mark,
                               time_limit_seconds, retake_cooldown_seconds, created_by, test_draw)
            VALUES (@id, @Qualification, @Name, @instructions, @TaskType, @industry, @labels, @multiLabel, @criteria::jsonb, @PassMark,
                    @TimeLimitSeconds, @cooldown, @UserId, @TestItemsPerAttempt)
            """, new
        {
            id, request.Qualification, request.Name, instructions = request.Instructions ?? "", request.TaskType,
            industry = request.Industry ?? "other", labels = template.Labels.ToArray(), multiLabel = template.MultiLabel,
            criteria = JsonSerializer.Serialize(template.Criteria, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            request.PassMark, request.TimeLimitSeconds, cooldown = request.RetakeCooldownSeconds ?? 86_400, caller.UserId,
            request.TestItemsPerAttempt,
        }, tx);
        await connection.ExecuteAsync("""
            INSERT INTO exam_items (exam_id, part, position, item_id, content, known_answer, explanation)
            SELECT @id, part, position, item_id, content, known_answer::jsonb, explanation
            FROM unnest(@parts, @positions, @itemIds, @contents, @answers, @explanations)
                 AS i (part, position, item_id, content, known_answer, explanation)
            """, new
        {
            id, parts = items.Select(i => i.Part).ToArray(), positions = items.Select(i => i.Position).ToArray(),
            itemIds = items.Select(i => i.Item.Id).ToArray(), contents = items.Select(i => i.Item.Content).ToArray(),
            answers = items.Select(i => i.Item.KnownAnswer.GetRawText()).ToArray(),
            explanations = items.Select(i => i.Part == "training" ? i.Item.Explanation!.Trim() : string.IsNullOrWhiteSpace(i.Item.Explanation) ? null : i.Item.Explanation.Trim()).ToArray(),
        }, tx);
        var view = await LoadAsync(connection, id, withItems: true, tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/exams/{id}", view);
    }

    private static async Task<Ok<IReadOnlyList<ExamView>>> List(string? taskType, string? qualification, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var exams = await connection.QueryAsync<ExamView>($"""
            {ExamSelect}
            WHERE (@taskType::text IS NULL OR e.task_type = @taskType) AND (@qualification::text IS NULL OR e.qualification = @qualification)
            ORDER BY e.qualification, e.created_at
            LIMIT 500
            """, new { taskType, qualification });
        return TypedResults.Ok<IReadOnlyList<ExamView>>(exams.ToList());
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var exam = await LoadAsync(connection, id, withItems: caller.IsOperator);
        return exam is null ? Problems.NotFound($"Exam {id}") : TypedResults.Ok(exam);
    }

    public static async Task<ExamView?> LoadAsync(NpgsqlConnection connection, Guid id, bool withItems, NpgsqlTransaction? tx = null)
    {
        var exam = await connection.QuerySingleOrDefaultAsync<ExamView>($"{ExamSelect} WHERE e.id = @id", new { id }, tx);
        if (exam is null || !withItems) return exam;
        var items = (await connection.QueryAsync<ItemView>("""
            SELECT part, item_id, content, known_answer::text AS known_answer_json, explanation FROM exam_items
            WHERE exam_id = @id ORDER BY part DESC, position
            """, new { id }, tx)).ToList();
        exam.TrainingItems = items.Where(i => i.Part == "training").ToList();
        exam.TestItems = items.Where(i => i.Part == "test").ToList();
        return exam;
    }
}
