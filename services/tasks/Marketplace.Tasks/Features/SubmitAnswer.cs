using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>The lease holder submits an answer (one of the order's labels); unreviewed, it is approved automatically later.</summary>
public static class SubmitAnswer
{
    public sealed record Request(string Answer);

    public sealed record Response(Guid AssignmentId, string Status, DateTimeOffset AutoApproveAt);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Answer).NotEmpty().MaximumLength(100);
    }

    public static RouteGroupBuilder MapSubmitAnswer(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/submit", Handle).RequireAuthorization(Roles.Worker).Validate<Request>();
        return group;
    }

    private static async Task<IResult> Handle(Guid id, Request request, HttpContext http, NpgsqlDataSource db,
        IOptions<TasksOptions> options, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var assignment = await connection.QuerySingleOrDefaultAsync<(string Status, bool LeaseLive, Guid OrderId)?>("""
            SELECT status, coalesce(lease_expires_at > now(), false) AS lease_live, order_id
            FROM assignments
            WHERE id = @id AND worker_id = @UserId
            FOR UPDATE
            """, new { id, caller.UserId }, tx);
        if (assignment is null) return Problems.NotFound($"Assignment {id}");
        var (status, leaseLive, orderId) = assignment.Value;
        if (status != "leased") return Problems.Conflict($"Assignment {id} is {status}; only a leased assignment can be submitted.", status);
        if (!leaseLive) return Problems.Conflict($"Your lease on assignment {id} has expired; claim new work.", "lease_expired");
        var labels = (await connection.ExecuteScalarAsync<string[]>("SELECT labels FROM task_orders WHERE order_id = @orderId", new { orderId }, tx))!;
        if (!labels.Contains(request.Answer, StringComparer.Ordinal))
            return Problems.BadRequest("answer", $"'Answer' must be one of the order's labels: {string.Join(", ", labels)}.");

        await connection.ExecuteAsync("""
            UPDATE assignments SET status = 'submitted', answer = @Answer, submitted_at = now(), lease_expires_at = NULL
            WHERE id = @id
            """, new { id, request.Answer }, tx);
        var autoApproveAt = clock.GetUtcNow() + options.Value.AutoApproveAfter;
        await JobScheduler.ScheduleAsync(tx, AutoApproveAssignment.Name, new AutoApproveAssignment.Payload(id), autoApproveAt,
            uniqueKey: $"auto-approve:{id}");
        await tx.CommitAsync();
        return TypedResults.Ok(new Response(id, "submitted", autoApproveAt));
    }
}
