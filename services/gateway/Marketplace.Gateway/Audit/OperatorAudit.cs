using System.Text.RegularExpressions;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Gateway.Audit;

/// <summary>
/// The operators' audit log. The gateway sees every request: each one an operator's token makes that is not a read
/// (POST, PUT, PATCH, DELETE), to the gateway itself or forwarded to a service, is recorded once it is answered: who,
/// the action (method and route, ids written {id}), the target path, when and the status. Refused attempts (4xx) are
/// recorded too. The table is append-only (0008_operator_actions.sql). Operators read it: GET /api/ops/audit.
/// </summary>
public static partial class OperatorAudit
{
    public sealed record Entry(long Id, DateTime OccurredAt, Guid OperatorId, string OperatorName, string Method, string Action,
        string Target, int Status, string? CorrelationId);

    private static readonly HashSet<string> Recorded = new(StringComparer.OrdinalIgnoreCase) { "POST", "PUT", "PATCH", "DELETE" };

    [GeneratedRegex(@"(?<=/)([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}|[0-9]+)(?=/|$)")]
    private static partial Regex Ids();

    /// <summary>The route an action took, its ids written {id}: /api/tasks/workers/{id}/vetting.</summary>
    public static string ActionOf(string method, string path) => $"{method.ToUpperInvariant()} {Ids().Replace(path, "{id}")}";

    public static WebApplication UseOperatorAudit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!Recorded.Contains(context.Request.Method) || !context.User.IsInRole(Roles.Operator))
            {
                await next(context);
                return;
            }
            var status = StatusCodes.Status500InternalServerError;
            try
            {
                await next(context);
                status = context.Response.StatusCode;
            }
            finally
            {
                await RecordAsync(context, status);
            }
        });
        return app;
    }

    private static async Task RecordAsync(HttpContext context, int status)
    {
        var caller = Caller.From(context.User);
        var path = context.Request.Path.Value ?? "/";
        try
        {
            var db = context.RequestServices.GetRequiredService<NpgsqlDataSource>();
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync("""
                INSERT INTO operator_actions (operator_id, operator_name, method, action, target, status, correlation_id)
                VALUES (@UserId, @Name, @method, @action, @target, @status, @correlation)
                """, new
            {
                caller.UserId, caller.Name, method = context.Request.Method.ToUpperInvariant(),
                action = Truncate(ActionOf(context.Request.Method, path), 500), target = Truncate(path, 2000), status,
                correlation = Correlation.Current is { } id ? Correlation.Format(id) : context.TraceIdentifier,
            });
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The action has happened; the record of it must not be lost silently.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OperatorAudit))
                .LogError(e, "Could not record operator {OperatorId}'s {Method} {Path} ({Status}) in the audit log", caller.UserId,
                    context.Request.Method, path, status);
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    public static RouteGroupBuilder MapOperatorAudit(this RouteGroupBuilder group)
    {
        group.MapGet("/audit", List).RequireAuthorization(Roles.Operator).Produces<PageOf<Entry>>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    /// <summary>Newest first; by one operator, and/or actions starting with the given text ("POST /api/tasks/workers/{id}/vetting", "POST /api/tasks").</summary>
    private static async Task<IResult> List(Guid? operatorId, string? action, int? page, int? pageSize, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        if (action is { Length: > 500 }) return Problems.BadRequest("action", "'action' is at most 500 characters.");
        await using var connection = await db.OpenConnectionAsync();
        const string where = "WHERE (@operatorId::uuid IS NULL OR operator_id = @operatorId) AND (@action::text IS NULL OR starts_with(action, @action))";
        var args = new { operatorId, action = string.IsNullOrWhiteSpace(action) ? null : action.Trim(), skip = (number - 1) * size, size };
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM operator_actions {where}", args);
        var items = await connection.QueryAsync<Entry>($"""
            SELECT id, occurred_at, operator_id, operator_name, method, action, target, status, correlation_id FROM operator_actions
            {where}
            ORDER BY occurred_at DESC, id DESC
            OFFSET @skip LIMIT @size
            """, args);
        return TypedResults.Ok(new PageOf<Entry>(items.ToList(), total, number, size));
    }
}
