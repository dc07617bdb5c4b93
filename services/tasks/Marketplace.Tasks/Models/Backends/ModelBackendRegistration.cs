using System.Text.Json;
using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// An order's external model backend (a Label Studio ML backend, unchanged): the enterprise registers its url and secret,
/// the platform checks it with GET /health and POST /setup (the order's label config), keeps it with the secret sealed,
/// and makes it the order's model (order_models, replacing a built-in model). GET shows how it is doing, never the
/// secret; DELETE turns it off (the predictions it made stay on the slots).
/// </summary>
public static class ModelBackendRegistration
{
    public sealed record Request(string? Url, string? Secret);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Url).NotEmpty().MaximumLength(BackendAddress.MaxLength);
            RuleFor(r => r.Secret).NotEmpty().Length(16, 200);
        }
    }

    /// <param name="Error">the failure in English; <paramref name="Code"/> and <paramref name="Params"/> say it for a client to
    /// word in its reader's language (null on failures recorded before codes).</param>
    public sealed record Failure(string Call, string Error, string? Code, JsonElement? Params, DateTime FailedAt);

    private sealed record FailureRow(string Call, string Error, string? Code, string? Params, DateTime FailedAt);

    public sealed record View(Guid OrderId, string Url, string State, string? ModelVersion, DateTime RegisteredAt, DateTime? LastCallAt,
        string? LastCall, DateTime? LastSuccessAt, DateTime NextCallAt, int ConsecutiveFailures, long Failures, long PredictionsSaved,
        long PredictionsRefused, long LabelsSent, IReadOnlyList<Failure> RecentFailures);

    public sealed class Row
    {
        public Guid OrderId { get; init; }
        public string Url { get; init; } = "";
        public byte[] SecretSealed { get; init; } = [];
        public string? ModelVersion { get; init; }
        public string State { get; init; } = "";
        public DateTime RegisteredAt { get; init; }
        public DateTime? LastCallAt { get; init; }
        public string? LastCall { get; init; }
        public DateTime? LastSuccessAt { get; init; }
        public DateTime NextCallAt { get; init; }
        public int ConsecutiveFailures { get; init; }
        public long Failures { get; init; }
        public long PredictionsSaved { get; init; }
        public long PredictionsRefused { get; init; }
        public long LabelsSent { get; init; }
    }

    public const string Columns = """
        order_id, url, secret_sealed, model_version, state, registered_at, last_call_at, last_call, last_success_at, next_call_at,
        consecutive_failures, failures, predictions_saved, predictions_refused, labels_sent
        """;

    public static Task<Row?> FindAsync(NpgsqlConnection connection, Guid orderId, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM model_backends WHERE order_id = @orderId", new { orderId }, tx);

    public static RouteGroupBuilder MapModelBackendRegistration(this RouteGroupBuilder group)
    {
        group.MapPut("/{orderId:guid}/model-backend", Register).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.Review)
            .Validate<Request>()
            .Produces<View>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{orderId:guid}/model-backend", Get).RequireAuthorization("enterprise-or-operator")
            .Produces<View>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{orderId:guid}/model-backend", Remove).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.Review)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private sealed class OrderRow
    {
        public Guid EnterpriseOrgId { get; init; }
        public string DataGrade { get; init; } = "";
        public bool PersonalInformation { get; init; }
        public DateTime? CancelledAt { get; init; }
    }

    private static async Task<OrderTerms?> OwnOrderAsync(NpgsqlConnection connection, Guid orderId, Caller caller)
    {
        var order = await OrderTerms.FindAsync(connection, orderId);
        return order is null || (!caller.IsOperator && order.EnterpriseOrgId != caller.OrgId) ? null : order;
    }

    private static async Task<IResult> Register(Guid orderId, Request request, HttpContext http, NpgsqlDataSource db, BackendClient client,
        BackendSecrets secrets, IOptions<ModelBackendOptions> options, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!secrets.Configured)
            return TypedResults.Problem(title: "Model backends are not configured", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "This platform has no Tasks:ModelBackends:SecretKey, so it cannot keep a backend's secret.",
                extensions: new Dictionary<string, object?> { [ProblemCodes.Extension] = "model_backend.not_configured" });
        await using var connection = await db.OpenConnectionAsync(ct);
        var order = await OwnOrderAsync(connection, orderId, caller);
        if (order is null) return Problems.NotFound($"Order {orderId}");
        var terms = await connection.QuerySingleAsync<OrderRow>(
            "SELECT enterprise_org_id, data_grade, personal_information, cancelled_at FROM task_orders WHERE order_id = @orderId", new { orderId });
        if (terms.CancelledAt is not null) return Problems.Conflict("The order is cancelled.", "cancelled");
        if (terms.DataGrade == "core" || terms.PersonalInformation)
            return Problems.Conflict("Core-grade data and personal information never leave the platform: this order cannot use an external model.",
                code: "model_backend.data_grade");
        if (!LabelStudioShapes.Supports(order.TaskType))
            return Problems.Unprocessable($"External models support {string.Join(", ", LabelStudioShapes.Supported)}; this is a {order.TaskType} order.",
                "model_backend.task_type_unsupported");
        if (BackendAddress.CheckShape(request.Url, options.Value) is { } badUrl) return Problems.BadRequest("url", badUrl, "model_backend.url");
        var url = request.Url!.TrimEnd('/');
        if (await BackendAddress.CheckResolvedAsync(new Uri(url), options.Value, ct) is { } badHost) return Problems.BadRequest("url", badHost, "model_backend.url");

        // The checks call out: no transaction is open while they run.
        var template = order.Template();
        var registeredAt = DateTime.UtcNow;
        string? modelVersion;
        try
        {
            await client.HealthAsync(url, request.Secret!, ct);
            modelVersion = await client.SetupAsync(url, request.Secret!, LabelStudioShapes.SetupBody(template, LabelStudioShapes.Project(orderId, registeredAt)), ct);
        }
        catch (BackendCallFailed e)
        {
            return Problems.Unprocessable($"The backend did not pass its checks: {e.Message}", "model_backend.check_failed", new()
            {
                ["failure"] = new { e.Failure.Call, e.Failure.Code, @params = JsonDocument.Parse(e.Failure.Params).RootElement.Clone() },
            });
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync("DELETE FROM model_backends WHERE order_id = @orderId", new { orderId }, tx);
        await connection.ExecuteAsync("""
            INSERT INTO model_backends (order_id, url, secret_sealed, model_version, registered_by, registered_at, last_call_at, last_call, last_success_at)
            VALUES (@orderId, @url, @sealed, @modelVersion, @UserId, @registeredAt, now(), 'setup', now())
            """, new { orderId, url, @sealed = secrets.Seal(request.Secret!, orderId), modelVersion, caller.UserId, registeredAt }, tx);
        // One model per order: the backend replaces a built-in model.
        await connection.ExecuteAsync("""
            INSERT INTO order_models (order_id, source, changed_by, changed_at) VALUES (@orderId, 'backend', @UserId, now())
            ON CONFLICT (order_id) DO UPDATE SET source = 'backend', changed_by = excluded.changed_by, changed_at = excluded.changed_at
            """, new { orderId, caller.UserId }, tx);
        var row = (await FindAsync(connection, orderId, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(ViewOf(row, []));
    }

    private static View ViewOf(Row r, IReadOnlyList<Failure> failures) => new(r.OrderId, r.Url, r.State, r.ModelVersion, r.RegisteredAt, r.LastCallAt,
        r.LastCall, r.LastSuccessAt, r.NextCallAt, r.ConsecutiveFailures, r.Failures, r.PredictionsSaved, r.PredictionsRefused, r.LabelsSent, failures);

    private static async Task<IResult> Get(Guid orderId, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        if (await OwnOrderAsync(connection, orderId, Caller.From(http.User)) is null) return Problems.NotFound($"Order {orderId}");
        var row = await FindAsync(connection, orderId);
        if (row is null) return Problems.NotFound($"Model backend for order {orderId}");
        var failures = (await connection.QueryAsync<FailureRow>("""
            SELECT call, error, code, params::text AS params, failed_at AS "FailedAt"
            FROM model_backend_failures WHERE order_id = @orderId ORDER BY id DESC LIMIT 10
            """, new { orderId }))
            .Select(f => new Failure(f.Call, f.Error, f.Code, f.Params is { } figures ? JsonDocument.Parse(figures).RootElement.Clone() : null, f.FailedAt))
            .ToList();
        return TypedResults.Ok(ViewOf(row, failures));
    }

    private static async Task<IResult> Remove(Guid orderId, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        if (await OwnOrderAsync(connection, orderId, Caller.From(http.User)) is null) return Problems.NotFound($"Order {orderId}");
        await using var tx = await connection.BeginTransactionAsync();
        var removed = await connection.ExecuteAsync("DELETE FROM model_backends WHERE order_id = @orderId", new { orderId }, tx);
        if (removed == 0) return Problems.NotFound($"Model backend for order {orderId}");
        await connection.ExecuteAsync("DELETE FROM order_models WHERE order_id = @orderId AND source = 'backend'", new { orderId }, tx);
        await tx.CommitAsync();
        return TypedResults.NoContent();
    }
}
