using System.Text.Json;
using Dapper;
using FluentValidation;
using Marketplace.Labeling;
using Marketplace.Modeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Models;

/// <summary>
/// Model assistance with the built-in model, per order: the enterprise (its owner or reviewers) turns it on or off, and
/// the enterprise and operators read where it stands and its versions. Turning it on only records the choice: training
/// happens in the background (<see cref="TrainBuiltInModels"/>), never in a request.
/// </summary>
public static class BuiltInModelApi
{
    public const string Off = "off";

    public sealed record ModelChoice(string? Source);

    public sealed class ModelChoiceValidator : AbstractValidator<ModelChoice>
    {
        public ModelChoiceValidator() =>
            RuleFor(c => c.Source).NotEmpty().Must(s => s is ModelPredictions.BuiltIn or Off)
                .WithMessage("'Source' must be 'builtin' (the platform's own model) or 'off'.");
    }

    /// <summary>A trained version: measured on held-out accepted labels; adopted unless worse than the current one beyond chance on the same held-out labels.</summary>
    public sealed class Version
    {
        public int Number { get; init; }
        public string ModelVersion { get; init; } = "";
        public DateTime TrainedAt { get; init; }
        public int TrainingExamples { get; init; }
        public int HeldOutExamples { get; init; }
        public decimal HeldOutAccuracy { get; init; }
        public decimal CalibrationError { get; init; }
        public bool Adopted { get; init; }
        public int ItemsPredicted { get; init; }
        public decimal TrainingSeconds { get; init; }
    }

    /// <param name="Source">builtin, backend (an external model, set elsewhere) or off.</param>
    /// <param name="State">for the built-in model: waiting (for enough accepted labels), training, ready or failed; else null.</param>
    /// <param name="ReasonCode">for the built-in model, what <paramref name="Reason"/> says as a code (ModelReason:
    /// examples_waiting, images_unreadable, training_timeout, not_enough_examples, not_adopted, training_error) with its
    /// figures in <paramref name="ReasonParams"/>, for a client to word in its reader's language; null when there is no reason.</param>
    /// <param name="HeldOutShare">for the built-in model: the share of the order's items held out to measure it (the
    /// audit: worked by the crowd alone at full overlap), fixed when the model was chosen (HeldOut.ShareFor); else null.</param>
    public sealed record Response(Guid OrderId, string TaskType, bool Supported, string Source, string? State, string? Reason,
        string? ReasonCode, JsonElement? ReasonParams, int MinimumExamples, int MinimumPerLabel, int Examples, string? CurrentModelVersion, decimal? HeldOutAccuracy, decimal? HeldOutShare,
        PageOf<Version> Versions);

    public static RouteGroupBuilder MapBuiltInModel(this RouteGroupBuilder group)
    {
        group.MapGet("/{orderId:guid}/model", Read).RequireAuthorization("enterprise-or-operator")
            .Produces<Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{orderId:guid}/model", Choose).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.Review)
            .Validate<ModelChoice>()
            .Produces<Response>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>Single-label text and image classification; the rest has no built-in model (yet).</summary>
    public static bool Supports(string taskType, bool multiLabel) =>
        !multiLabel && taskType is TaskTypes.TextClassification or TaskTypes.ImageClassification;

    private sealed class Order
    {
        public string TaskType { get; init; } = "";
        public bool MultiLabel { get; init; }
    }

    /// <summary>A crowd order of the caller's organisation (any, for an operator); a contracted order's work is its packages'.</summary>
    private static Task<Order?> FindAsync(NpgsqlConnection connection, Guid orderId, Caller caller, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Order>("""
            SELECT task_type, multi_label FROM task_orders
            WHERE order_id = @orderId AND package_order_id IS NULL AND (@isOperator OR enterprise_org_id = @OrgId)
            """, new { orderId, isOperator = caller.IsOperator, caller.OrgId }, tx);

    private static async Task<IResult> Choose(Guid orderId, ModelChoice request, HttpContext http, NpgsqlDataSource db, IOptions<BuiltInModelOptions> options)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using (var tx = await connection.BeginTransactionAsync(http.RequestAborted))
        {
            var order = await FindAsync(connection, orderId, caller, tx);
            if (order is null) return Problems.NotFound($"Order {orderId}");
            if (request.Source == ModelPredictions.BuiltIn)
            {
                if (!Supports(order.TaskType, order.MultiLabel))
                    return Problems.Conflict(
                        $"The built-in model learns single-label text and image classification; this order is {(order.MultiLabel ? "multi-label " : "")}{order.TaskType}.",
                        code: "model.unsupported_task_type");
                // Choosing the built-in model replaces any other model of the order (one model per order). Its audit is
                // sized by the order's items (gold aside) now, once: HeldOut.ShareFor.
                var items = await connection.ExecuteScalarAsync<int>(
                    "SELECT count(DISTINCT item_id) FROM assignments WHERE order_id = @orderId AND NOT is_gold", new { orderId }, tx);
                await connection.ExecuteAsync("""
                    INSERT INTO order_models (order_id, source, changed_by) VALUES (@orderId, 'builtin', @UserId)
                    ON CONFLICT (order_id) DO UPDATE SET source = 'builtin', changed_by = excluded.changed_by, changed_at = now();
                    INSERT INTO builtin_models (order_id, held_out_share) VALUES (@orderId, @share) ON CONFLICT (order_id) DO NOTHING;
                    """, new { orderId, caller.UserId, share = (decimal)HeldOut.ShareFor(items) }, tx);
            }
            else
            {
                // Off: the model stops and its suggestions leave the slots nobody has claimed (a manifest's own pre-labels
                // that it had replaced do not come back). Its versions stay on record.
                await connection.ExecuteAsync("""
                    DELETE FROM order_models WHERE order_id = @orderId AND source = 'builtin';
                    DELETE FROM builtin_models WHERE order_id = @orderId;
                    UPDATE assignments SET prelabel = NULL
                    WHERE order_id = @orderId AND status = 'open' AND NOT prelabel_planted AND prelabel->>'modelVersion' LIKE 'builtin-%';
                    DELETE FROM item_predictions WHERE order_id = @orderId AND source = 'builtin';
                    """, new { orderId }, tx);
            }
            await tx.CommitAsync(http.RequestAborted);
        }
        return TypedResults.Ok(await ReadAsync(connection, orderId, caller, 1, 20, options));
    }

    private static async Task<IResult> Read(Guid orderId, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db, IOptions<BuiltInModelOptions> options)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        return await ReadAsync(connection, orderId, Caller.From(http.User), number, size, options) is { } found
            ? TypedResults.Ok(found) : Problems.NotFound($"Order {orderId}");
    }

    private sealed class State
    {
        public string? Source { get; init; }
        public string? ModelState { get; init; }
        public string? Reason { get; init; }
        public string? ReasonCode { get; init; }
        public string? ReasonParams { get; init; }
        public int Examples { get; init; }
        public int? CurrentVersion { get; init; }
        public decimal? HeldOutShare { get; init; }
    }

    private static async Task<Response?> ReadAsync(NpgsqlConnection connection, Guid orderId, Caller caller, int page, int size, IOptions<BuiltInModelOptions> options)
    {
        var order = await FindAsync(connection, orderId, caller);
        if (order is null) return null;
        await using var read = await connection.QueryMultipleAsync("""
            SELECT m.source, b.state AS model_state, b.reason, b.reason_code, b.reason_params::text AS reason_params, coalesce(b.examples, 0) AS examples, b.current_version, b.held_out_share
            FROM (SELECT @orderId AS order_id) o
            LEFT JOIN order_models m ON m.order_id = o.order_id
            LEFT JOIN builtin_models b ON b.order_id = o.order_id;
            SELECT count(*) FROM model_versions WHERE order_id = @orderId;
            SELECT version AS number, model_version, trained_at, training_examples, held_out_examples, held_out_accuracy, calibration_error,
                   adopted, items_predicted, training_seconds
            FROM model_versions WHERE order_id = @orderId ORDER BY version OFFSET @offset LIMIT @size;
            """, new { orderId, offset = (long)(page - 1) * size, size });
        var state = await read.ReadSingleAsync<State>();
        var total = await read.ReadSingleAsync<long>();
        var versions = (await read.ReadAsync<Version>()).ToList();
        var current = state.CurrentVersion is { } v
            ? await connection.QuerySingleOrDefaultAsync<Version>(
                "SELECT version AS number, model_version, held_out_accuracy FROM model_versions WHERE order_id = @orderId AND version = @v",
                new { orderId, v })
            : null;
        var builtIn = state.Source == ModelPredictions.BuiltIn;
        return new Response(orderId, order.TaskType, Supports(order.TaskType, order.MultiLabel), state.Source ?? Off,
            builtIn ? state.ModelState ?? "waiting" : null, builtIn ? state.Reason : null,
            builtIn ? state.ReasonCode : null, builtIn && state.ReasonParams is { } figures ? JsonDocument.Parse(figures).RootElement.Clone() : null,
            options.Value.Training.MinimumExamples, options.Value.Training.MinimumPerLabel, state.Examples,
            builtIn ? current?.ModelVersion : null, builtIn ? current?.HeldOutAccuracy : null, builtIn ? state.HeldOutShare : null,
            new PageOf<Version>(versions, total, page, size));
    }
}
