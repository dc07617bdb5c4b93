using Dapper;
using FluentValidation;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// Rejections with recourse. The order's enterprise (for a vendor's work package: that vendor, its reviewer) rejects a submission with a reason code and a comment; the worker
/// may appeal once within the appeal window; the enterprise (or an operator) upholds the appeal, which approves and
/// pays the work, or denies it. A rejection that stands is replaced by a new slot for another worker after the window
/// (or at once when the appeal is denied), so every slot is paid for exactly once.
/// </summary>
public static class Review
{
    public static readonly string[] ReasonCodes = ["wrong-answer", "incomplete", "ignored-instructions", "spam", "other"];

    public sealed record RejectRequest(string ReasonCode, string? Comment);

    public sealed class RejectValidator : AbstractValidator<RejectRequest>
    {
        public RejectValidator()
        {
            RuleFor(r => r.ReasonCode).NotEmpty().Must(c => ReasonCodes.Contains(c))
                .WithMessage($"'Reason Code' must be one of: {string.Join(", ", ReasonCodes)}.");
            RuleFor(r => r.Comment).NotEmpty().MaximumLength(2000)
                .WithMessage("'Comment' must tell the worker what was wrong (1 to 2000 characters).");
        }
    }

    public sealed record AppealRequest(string Message);

    public sealed class AppealValidator : AbstractValidator<AppealRequest>
    {
        public AppealValidator() => RuleFor(r => r.Message).NotEmpty().MaximumLength(2000);
    }

    public sealed record ResolveRequest(string Decision, string? Note);

    public sealed class ResolveValidator : AbstractValidator<ResolveRequest>
    {
        public ResolveValidator()
        {
            RuleFor(r => r.Decision).Must(d => d is "uphold" or "deny").WithMessage("'Decision' must be uphold or deny.");
            RuleFor(r => r.Note).NotEmpty().When(r => r.Decision == "deny").WithMessage("'Note' must say why the appeal is denied.");
            RuleFor(r => r.Note).MaximumLength(2000);
        }
    }

    public sealed record Rejected(Guid AssignmentId, string Status, string ReasonCode, DateTime AppealableUntil);

    public sealed record Appeal(Guid AssignmentId, string AppealStatus);

    public static RouteGroupBuilder MapReview(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/reject", Reject).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor)).RequireOrgRole(OrgPermission.Review).Validate<RejectRequest>()
            .Produces<Rejected>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/appeal", AppealRejection).RequireAuthorization(Roles.Worker).Validate<AppealRequest>()
            .Produces<Appeal>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/appeal/resolve", Resolve).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor, Roles.Operator)).RequireOrgRole(OrgPermission.Review).Validate<ResolveRequest>()
            .Produces<Appeal>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Reject(Guid id, RejectRequest request, HttpContext http, NpgsqlDataSource db, IOptions<TasksOptions> options,
        Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var status = await connection.ExecuteScalarAsync<string?>("""
            SELECT a.status FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.id = @id AND o.enterprise_org_id = @OrgId FOR UPDATE OF a
            """, new { id, caller.OrgId }, tx);
        if (status is null) return Problems.NotFound($"Assignment {id}");
        if (status != "submitted") return Problems.Conflict($"Assignment {id} is {status}; only a submitted assignment can be rejected.", status);
        var (until, orderId, workerId) = await connection.QuerySingleAsync<(DateTime, Guid, Guid)>("""
            UPDATE assignments SET status = 'rejected', reject_reason_code = @ReasonCode, reject_comment = @Comment, rejected_at = now(),
                                   appealable_until = now() + @window
            WHERE id = @id
            RETURNING appealable_until, order_id, worker_id
            """, new { id, request.ReasonCode, request.Comment, window = options.Value.AppealWindow }, tx);
        await outbox.AddAsync(tx, new AssignmentRejected(id, orderId, workerId, request.ReasonCode, request.Comment!,
            new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)), clock.GetUtcNow()));
        // If nobody appeals in time, the item gets a new slot for another worker (the replace-standing-rejections sweep).
        await tx.CommitAsync();
        return TypedResults.Ok(new Rejected(id, "rejected", request.ReasonCode, until));
    }

    private static async Task<IResult> AppealRejection(Guid id, AppealRequest request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(string Status, string? AppealStatus, bool InTime)?>("""
            SELECT status, appeal_status, coalesce(appealable_until > now(), false) FROM assignments
            WHERE id = @id AND worker_id = @UserId FOR UPDATE
            """, new { id, caller.UserId }, tx);
        if (row is null) return Problems.NotFound($"Assignment {id}");
        var (status, appeal, inTime) = row.Value;
        if (status != "rejected") return Problems.Conflict($"Assignment {id} is {status}; only a rejected assignment can be appealed.", status);
        if (appeal is not null) return Problems.Conflict($"Assignment {id} was already appealed ({appeal}); a rejection can be appealed once.", $"appeal_{appeal}");
        if (!inTime) return Problems.Conflict($"The appeal window for assignment {id} has closed.", "appeal_window_closed");
        await connection.ExecuteAsync(
            "UPDATE assignments SET appeal_message = @Message, appealed_at = now(), appeal_status = 'pending' WHERE id = @id",
            new { id, request.Message }, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(new Appeal(id, "pending"));
    }

    private static async Task<IResult> Resolve(Guid id, ResolveRequest request, HttpContext http, NpgsqlDataSource db, TimeProvider clock, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Approvals.LockOrderOfAsync(tx, id);
        var row = await connection.QuerySingleOrDefaultAsync<(string Appeal, bool Cancelled)?>("""
            SELECT coalesce(a.appeal_status, 'none'), o.cancelled_at IS NOT NULL FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.id = @id AND (@operator OR o.enterprise_org_id = @OrgId) FOR UPDATE OF a
            """, new { id, caller.OrgId, @operator = caller.IsOperator }, tx);
        if (row is null) return Problems.NotFound($"Assignment {id}");
        var (appeal, cancelled) = row.Value;
        // A cancelled order's final count is settled; nothing more can be paid from it.
        if (cancelled) return Problems.Conflict($"The order of assignment {id} was cancelled; its appeals can no longer be resolved.", "order_cancelled");
        if (appeal != "pending") return Problems.Conflict($"Assignment {id} has no pending appeal ({appeal}).", $"appeal_{appeal}");
        var upheld = request.Decision == "uphold";
        var (orderId, workerId) = await connection.QuerySingleAsync<(Guid, Guid)>("""
            UPDATE assignments SET appeal_status = @status, appeal_note = @Note, appeal_resolved_at = now() WHERE id = @id
            RETURNING order_id, worker_id
            """, new { id, status = upheld ? "upheld" : "denied", request.Note }, tx);
        await outbox.AddAsync(tx, new AppealDecided(id, orderId, workerId, upheld ? "upheld" : "denied", request.Note, clock.GetUtcNow()));
        if (upheld)
        {
            // The work was right after all: approved, and paid with the next approval batch.
            await Approvals.ApproveAsync(tx, id, autoApproved: false, from: "rejected");
        }
        else
        {
            await JobIntents.EnqueueAsync<ReplaceRejected, ReplaceRejected.Payload>(tx, new(id), uniqueKey: $"replace-rejected-denied:{id}");
        }
        await tx.CommitAsync();
        return TypedResults.Ok(new Appeal(id, upheld ? "upheld" : "denied"));
    }
}
