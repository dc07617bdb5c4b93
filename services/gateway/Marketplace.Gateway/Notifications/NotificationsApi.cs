using System.Text.Json;
using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Gateway.Notifications;

/// <summary>
/// The caller's own notifications: a page of them newest first, the unread count, and marking one or all read. Every
/// query is scoped to the caller's user id; another user's notification does not exist for them (404).
/// </summary>
public static class NotificationsApi
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
    private const int MaxPage = 10_000;

    public sealed record View(Guid Id, string Kind, JsonElement Params, DateTimeOffset OccurredAt, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

    public sealed record PageOfNotifications(IReadOnlyList<View> Items, long Total, long Unread, int Page, int PageSize);

    public sealed record UnreadCount(long Unread);

    public sealed record MarkedRead(long Marked, long Unread);

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder group)
    {
        group.MapGet("/", List).RequireAuthorization().Produces<PageOfNotifications>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/unread-count", Count).RequireAuthorization().Produces<UnreadCount>();
        group.MapPost("/{id:guid}/read", MarkRead).RequireAuthorization().Produces<View>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/read-all", MarkAllRead).RequireAuthorization().Produces<MarkedRead>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    private sealed record Row(Guid Id, string Kind, string Params, DateTime OccurredAt, DateTime CreatedAt, DateTime? ReadAt)
    {
        public View View() => new(Id, Kind, JsonDocument.Parse(Params).RootElement.Clone(), Utc(OccurredAt), Utc(CreatedAt),
            ReadAt is { } read ? Utc(read) : null);

        private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
    }

    private const string Columns = "id, kind, params::text AS params, occurred_at, created_at, read_at";

    private static async Task<IResult> List(int? page, int? pageSize, bool? unreadOnly, HttpContext http, NpgsqlDataSource db)
    {
        if (page is < 1 or > MaxPage) return Problems.BadRequest("page", $"'page' must be between 1 and {MaxPage}.", "validation.out_of_range");
        if (pageSize is < 1 or > MaxPageSize)
            return Problems.BadRequest("pageSize", $"'pageSize' must be between 1 and {MaxPageSize}.", "validation.out_of_range");
        var (p, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        // Newest first; the id breaks ties so pages neither repeat nor skip a row written in the same instant.
        var rows = await connection.QueryAsync<Row>($"""
            SELECT {Columns} FROM notifications
            WHERE user_id = @UserId AND (NOT @unreadOnly OR read_at IS NULL)
            ORDER BY created_at DESC, id DESC
            LIMIT @size OFFSET @offset
            """, new { caller.UserId, unreadOnly = unreadOnly ?? false, size, offset = (p - 1) * size });
        var (total, unread) = await connection.QuerySingleAsync<(long, long)>("""
            SELECT count(*), count(*) FILTER (WHERE read_at IS NULL) FROM notifications WHERE user_id = @UserId
            """, new { caller.UserId });
        return TypedResults.Ok(new PageOfNotifications(rows.Select(r => r.View()).ToList(), unreadOnly == true ? unread : total, unread, p, size));
    }

    private static async Task<IResult> Count(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        return TypedResults.Ok(new UnreadCount(await UnreadAsync(connection, caller.UserId)));
    }

    private static async Task<IResult> MarkRead(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        // Marking twice keeps the first time it was read.
        var row = await connection.QuerySingleOrDefaultAsync<Row>($"""
            UPDATE notifications SET read_at = coalesce(read_at, now())
            WHERE id = @id AND user_id = @UserId
            RETURNING {Columns}
            """, new { id, caller.UserId });
        return row is null ? Problems.NotFound($"Notification {id}") : TypedResults.Ok(row.View());
    }

    /// <param name="before">only notifications created before this time (the newest one the user has seen), so one that
    /// arrives while the user reads is not marked unseen; every unread one when absent.</param>
    private static async Task<IResult> MarkAllRead(string? before, HttpContext http, NpgsqlDataSource db)
    {
        DateTimeOffset? until = null;
        if (before is not null)
        {
            if (!DateTimeOffset.TryParse(before, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed))
                return Problems.BadRequest("before", $"'before' is not a date-time: '{before}' (ISO 8601, e.g. 2026-11-01T08:00:00Z).", "validation.format");
            until = parsed;
        }
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var marked = await connection.ExecuteAsync("""
            UPDATE notifications SET read_at = now()
            WHERE user_id = @UserId AND read_at IS NULL AND (@until::timestamptz IS NULL OR created_at <= @until)
            """, new { caller.UserId, until = until?.UtcDateTime });
        return TypedResults.Ok(new MarkedRead(marked, await UnreadAsync(connection, caller.UserId)));
    }

    private static Task<long> UnreadAsync(NpgsqlConnection connection, Guid userId) =>
        connection.ExecuteScalarAsync<long>("SELECT count(*) FROM notifications WHERE user_id = @userId AND read_at IS NULL", new { userId });
}
