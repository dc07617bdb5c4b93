using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker's own submitted work across every order and device, newest first: the review result, a rejection's reason,
/// the appeal and its window, and the reward. No item content, so reading the list is not a content view.
/// Keyset-paged: <c>nextBefore</c> is an opaque cursor (the last row's submitted_at and id) for <c>?before=</c>.
/// </summary>
public static class MySubmissions
{
    public const int DefaultLimit = 50, MaxLimit = 200;

    public sealed record Submission(Guid AssignmentId, Guid OrderId, string ItemId, string TaskType, string Status,
        DateTime SubmittedAt, DateTime? ApprovedAt, DateTime? RejectedAt, string? RejectReasonCode, string? RejectComment,
        string? AppealStatus, DateTime? AppealableUntil, string? AppealNote, decimal Reward, string Currency);

    public sealed record Page(IReadOnlyList<Submission> Items, string? NextBefore);

    public static RouteGroupBuilder MapMySubmissions(this RouteGroupBuilder group)
    {
        group.MapGet("/submitted", Handle).RequireAuthorization(Roles.Worker).Produces<Page>();
        return group;
    }

    // One predicate for the first page and the next (no cursor: before 'infinity'), so the partial index
    // assignments_submitted_by_worker (0013) is walked backwards from the cursor, never from the newest row.
    private const string Query = """
        SELECT a.id AS assignment_id, a.order_id, a.item_id, o.task_type, a.status, a.submitted_at, a.approved_at, a.rejected_at,
               a.reject_reason_code, a.reject_comment, a.appeal_status, a.appealable_until, a.appeal_note,
               o.worker_reward AS reward, o.currency
        FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
        WHERE a.worker_id = @UserId AND a.status IN ('submitted', 'approved', 'rejected') AND a.submitted_at IS NOT NULL
          AND (a.submitted_at, a.id) < (coalesce(@beforeAt::timestamptz, 'infinity'), @beforeId)
        ORDER BY a.submitted_at DESC, a.id DESC
        LIMIT @take
        """;

    private static async Task<IResult> Handle(string? limit, string? before, HttpContext http, NpgsqlDataSource db)
    {
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
            return Problems.BadRequest("limit", $"'limit' must be a whole number from 1 to {MaxLimit}.");
        (DateTime At, Guid Id)? cursor = null;
        if (before is not null)
        {
            cursor = Cursor.Read(before);
            if (cursor is null) return Problems.BadRequest("before", "'before' must be a nextBefore value from an earlier page.");
        }
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<Submission>(Query, new
        {
            caller.UserId, beforeAt = cursor?.At, beforeId = cursor?.Id ?? Guid.Empty, take = size + 1,
        })).ToList();
        var more = rows.Count > size;
        if (more) rows.RemoveAt(size);
        return TypedResults.Ok(new Page(rows, more ? Cursor.Write(rows[^1].SubmittedAt, rows[^1].AssignmentId) : null));
    }

    /// <summary>The position after a row: its submitted_at (microseconds, PostgreSQL's precision) and id, base64url.</summary>
    public static class Cursor
    {
        public static string Write(DateTime at, Guid id) =>
            Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{at.ToUniversalTime().Ticks / 10}.{id:N}"));

        public static (DateTime At, Guid Id)? Read(string text)
        {
            if (text.Length > 100) return null;
            string plain;
            try { plain = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)); }
            catch (FormatException) { return null; }
            var dot = plain.IndexOf('.');
            if (dot < 1 || !long.TryParse(plain.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
                || micros > DateTime.MaxValue.Ticks / 10 || !Guid.TryParseExact(plain.AsSpan(dot + 1), "N", out var id))
                return null;
            return (new DateTime(micros * 10, DateTimeKind.Utc), id);
        }
    }
}
