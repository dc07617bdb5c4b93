using System.Text.Json;
using Dapper;
using Marketplace.Labeling;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>The lease holder submits an answer (one of the order's labels); unreviewed, it is approved automatically later.</summary>
public static class SubmitAnswer
{
    /// <summary>The answer is JSON of the task type's shape: "label", ["label"], [{box}], [{span}], "text", [ranking], {scores}.</summary>
    public sealed record Request(JsonElement Answer);

    public sealed record Response(Guid AssignmentId, string Status, DateTimeOffset AutoApproveAt);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Answer)
            .Must(a => a.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)).WithMessage("'Answer' is required.")
            .Must(a => a.ValueKind == JsonValueKind.Undefined || a.GetRawText().Length <= 200_000).WithMessage("'Answer' is too large.");
    }

    public static RouteGroupBuilder MapSubmitAnswer(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/submit", Handle).RequireAuthorization(Roles.Worker).Validate<Request>().RetryOnDeadlock()
            .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Handle(Guid id, Request request, HttpContext http, NpgsqlDataSource db,
        IOptions<TasksOptions> options, TimeProvider clock, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var held = await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM assignments
                           WHERE id = @id AND worker_id = @UserId AND status = 'leased' AND lease_expires_at > now()
                           FOR UPDATE)
            """, new { id, caller.UserId }, tx);
        if (!held) return await Leases.RefusalAsync(connection, id, caller, tx);
        var template = await connection.QuerySingleAsync<TemplateRow>("""
            SELECT o.task_type, o.labels, o.multi_label, o.criteria::text AS criteria_json, a.content, o.auto_approve_seconds
            FROM task_orders o JOIN assignments a ON a.order_id = o.order_id
            WHERE a.id = @id
            """, new { id }, tx);
        if (AnswerRules.Check(template.Template(), template.Content, request.Answer) is { } problem)
            return Problems.BadRequest("answer", problem);

        // Gold is checked here and counts towards the worker's accuracy; the worker's answer looks the same either way.
        var slot = await connection.QuerySingleAsync<(bool IsGold, string? GoldAnswer, Guid OrderId, bool TooFast, string? Prelabel, bool Planted)>(
            "SELECT is_gold, gold_answer::text, order_id, coalesce(leased_at > now() - @tooFastUnder, false), prelabel::text, prelabel_planted FROM assignments WHERE id = @id",
            new { id, tooFastUnder = options.Value.TooFastUnder }, tx);
        bool? correct = slot.GoldAnswer is null ? null
            : GoldMix.Matches(template.Template(), request.Answer, JsonDocument.Parse(slot.GoldAnswer).RootElement);
        // The order's review window, else the platform's: the deadline is data, approved by the auto-approve-due sweep.
        var autoApproveAt = clock.GetUtcNow() + (template.AutoApproveSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.AutoApproveAfter);
        await connection.ExecuteAsync("""
            UPDATE assignments SET status = 'submitted', answer = @answer::jsonb, submitted_at = now(), lease_expires_at = NULL,
                                   gold_correct = @correct, too_fast = @TooFast, auto_approve_at = @autoApproveAt
            WHERE id = @id
            """, new { id, answer = request.Answer.GetRawText(), correct, slot.TooFast, autoApproveAt }, tx);
        if (slot.Prelabel is not null) await PrelabelFigures.RecordAsync(tx, id, template.Template(), slot.Prelabel, slot.IsGold, request.Answer);
        // A planted (deliberately wrong) suggestion submitted as it was: the worker copied it (counted beside their gold record).
        var copied = slot.Planted && slot.Prelabel is not null
            && GoldMix.Matches(template.Template(), request.Answer, JsonDocument.Parse(slot.Prelabel).RootElement.GetProperty("label"));
        if (slot.IsGold || slot.TooFast)
            await Quality.RecordAsync(tx, caller.UserId, slot.OrderId, slot.IsGold, correct == true, slot.TooFast, options.Value, clock.GetUtcNow(), outbox,
                copied, planted: slot.Planted && slot.Prelabel is not null);
        await tx.CommitAsync();
        return TypedResults.Ok(new Response(id, "submitted", autoApproveAt));
    }

    private sealed class TemplateRow
    {
        public string TaskType { get; init; } = "";
        public string[] Labels { get; init; } = [];
        public bool MultiLabel { get; init; }
        public string CriteriaJson { get; init; } = "[]";
        public string Content { get; init; } = "";
        public int? AutoApproveSeconds { get; init; }

        public TaskTemplate Template() => new(TaskType, Labels, MultiLabel,
            JsonSerializer.Deserialize<List<RubricCriterion>>(CriteriaJson, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? []);
    }
}
