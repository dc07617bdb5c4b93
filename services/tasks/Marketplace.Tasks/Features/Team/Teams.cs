using Dapper;
using FluentValidation;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Features.Team;

/// <summary>
/// A vendor's own team: it invites workers from the talent pool, a worker accepts or declines, the vendor lists and
/// removes members. Members alone claim the vendor's team work (ClaimAssignment), core-grade data included; a worker
/// sees the team work open to them in <c>GET /team/work</c>, and a claim without an order finds it too.
/// </summary>
public static class Teams
{
    public sealed record InvitationRequest(Guid? WorkerId, string? Message);

    public sealed class InvitationValidator : AbstractValidator<InvitationRequest>
    {
        public InvitationValidator()
        {
            RuleFor(r => r.WorkerId).NotNull().NotEqual(Guid.Empty);
            RuleFor(r => r.Message).MaximumLength(2000);
        }
    }

    public sealed class Invitation
    {
        public Guid Id { get; init; }
        public Guid VendorOrgId { get; init; }
        public Guid WorkerId { get; init; }
        public string WorkerName => TalentPool.Handle(WorkerId);
        public string? Message { get; init; }
        public string Status { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime? DecidedAt { get; init; }
    }

    public sealed class Member
    {
        public Guid WorkerId { get; init; }
        public string DisplayName => TalentPool.Handle(WorkerId);
        public DateTime JoinedAt { get; init; }
    }

    /// <summary>A vendor's team work package as a member sees it in their feed.</summary>
    public sealed class TeamWork
    {
        public Guid OrderId { get; init; }
        public Guid VendorOrgId { get; init; }
        public string TaskType { get; init; } = "";
        public string DataGrade { get; init; } = "";
        public decimal Reward { get; init; }
        public string Currency { get; init; } = "";
        public long OpenSlots { get; init; }
        public DateTime Deadline { get; init; }
        /// <summary>The order's title and instructions (null for a package started before tasks kept them).</summary>
        public string? Title { get; init; }
        public string? Instructions { get; init; }
        public string? Industry { get; init; }
        public bool PersonalInformation { get; init; }
    }

    /// <summary>What a worker's feeds show of a package (the fields a crowd order's card shows, where tasks has them).</summary>
    private const string TeamWorkColumns = """
        o.order_id, o.payer_vendor_org_id AS vendor_org_id, o.task_type, o.data_grade, o.worker_reward AS reward, o.currency, o.deadline,
        (SELECT count(*) FROM assignments a WHERE a.order_id = o.order_id AND a.status = 'open') AS open_slots,
        o.title, o.instructions, o.terms->>'industry' AS industry, o.personal_information
        """;

    private const string InvitationColumns = "id, vendor_org_id, worker_id, message, status, created_at, decided_at";

    public static RouteGroupBuilder MapTeams(this RouteGroupBuilder group)
    {
        group.MapPost("/invitations", Invite).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.ManageMembers).Validate<InvitationRequest>()
            .Produces<Invitation>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/invitations", VendorInvitations).RequireAuthorization(Roles.Vendor).Produces<Paged<Invitation>>();
        group.MapGet("/invitations/mine", MyInvitations).RequireAuthorization(Roles.Worker).Produces<Paged<Invitation>>();
        group.MapPost("/invitations/{id:guid}/accept", (Guid id, HttpContext http, NpgsqlDataSource db) => Decide(id, true, http, db))
            .RequireAuthorization(Roles.Worker).Produces<Invitation>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/invitations/{id:guid}/decline", (Guid id, HttpContext http, NpgsqlDataSource db) => Decide(id, false, http, db))
            .RequireAuthorization(Roles.Worker).Produces<Invitation>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/members", Members).RequireAuthorization(Roles.Vendor).Produces<Paged<Member>>();
        group.MapDelete("/members/{workerId:guid}", Remove).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.ManageMembers)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/work", MyTeamWork).RequireAuthorization(Roles.Worker).Produces<Paged<TeamWork>>();
        group.MapGet("/crowd-work", VendorCrowdWork).RequireAuthorization(Roles.Worker).Produces<Paged<TeamWork>>();
        return group;
    }

    /// <summary>
    /// Only a worker of the talent pool (a passed exam) can be invited; one pending invitation per vendor and worker. The
    /// worker is told (TeamInvitationSent, in the same transaction).
    /// </summary>
    private static async Task<IResult> Invite(InvitationRequest request, HttpContext http, NpgsqlDataSource db, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        var workerId = request.WorkerId!.Value;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker_qualifications WHERE worker_id = @workerId)", new { workerId }, tx))
            return Problems.NotFound($"Worker {workerId}", "team.worker_not_found");
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = $"team:{caller.OrgId}:{workerId}" }, tx);
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM team_members WHERE vendor_org_id = @OrgId AND worker_id = @workerId)",
                new { caller.OrgId, workerId }, tx))
            return Problems.Conflict($"Worker {workerId} is already on your team.", "member", "team.already_member");
        if (await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM team_invitations WHERE vendor_org_id = @OrgId AND worker_id = @workerId AND status = 'pending')",
                new { caller.OrgId, workerId }, tx))
            return Problems.Conflict($"Worker {workerId} has not answered your last invitation yet.", "pending", "team.invitation_pending");
        var invitation = await connection.QuerySingleAsync<Invitation>($"""
            INSERT INTO team_invitations (id, vendor_org_id, worker_id, message) VALUES (@id, @OrgId, @workerId, @Message)
            RETURNING {InvitationColumns}
            """, new { id = Guid.CreateVersion7(), caller.OrgId, workerId, request.Message }, tx);
        await outbox.AddAsync(tx, new TeamInvitationSent(invitation.Id, caller.OrgId, workerId, request.Message, clock.GetUtcNow()));
        await tx.CommitAsync();
        return TypedResults.Created($"/team/invitations/{invitation.Id}", invitation);
    }

    private static async Task<IResult> VendorInvitations(string? status, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db) =>
        await InvitationsAsync("vendor_org_id", Caller.From(http.User).OrgId, status, page, pageSize, db);

    private static async Task<IResult> MyInvitations(string? status, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db) =>
        await InvitationsAsync("worker_id", Caller.From(http.User).UserId, status, page, pageSize, db);

    private static async Task<IResult> InvitationsAsync(string column, Guid who, string? status, int? page, int? pageSize, NpgsqlDataSource db)
    {
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        if (status is not (null or "pending" or "accepted" or "declined"))
            return Problems.BadRequest("status", "'status' must be pending, accepted or declined.");
        var (number, size) = (page ?? 1, pageSize ?? 20);
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync($"""
            SELECT {InvitationColumns} FROM team_invitations WHERE {column} = @who AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC, id LIMIT @size OFFSET @offset;
            SELECT count(*) FROM team_invitations WHERE {column} = @who AND (@status::text IS NULL OR status = @status);
            """, new { who, status, size, offset = (number - 1) * size });
        var items = (await read.ReadAsync<Invitation>()).AsList();
        return TypedResults.Ok(new Paged<Invitation>(items, await read.ReadSingleAsync<long>(), number, size));
    }

    private static async Task<IResult> Decide(Guid id, bool accept, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var status = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM team_invitations WHERE id = @id AND worker_id = @UserId FOR UPDATE", new { id, caller.UserId }, tx);
        if (status is null) return Problems.NotFound($"Invitation {id}");
        if (status != "pending") return Problems.Conflict($"Invitation {id} was already {status}.", status);
        var invitation = await connection.QuerySingleAsync<Invitation>($"""
            UPDATE team_invitations SET status = @decided, decided_at = now() WHERE id = @id RETURNING {InvitationColumns}
            """, new { id, decided = accept ? "accepted" : "declined" }, tx);
        if (accept)
            await connection.ExecuteAsync("""
                INSERT INTO team_members (vendor_org_id, worker_id, invitation_id) VALUES (@VendorOrgId, @WorkerId, @Id)
                ON CONFLICT (vendor_org_id, worker_id) DO NOTHING
                """, invitation, tx);
        await tx.CommitAsync();
        return TypedResults.Ok(invitation);
    }

    private static async Task<IResult> Members(int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        var (number, size) = (page ?? 1, pageSize ?? 20);
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync("""
            SELECT worker_id, joined_at FROM team_members WHERE vendor_org_id = @OrgId ORDER BY joined_at, worker_id LIMIT @size OFFSET @offset;
            SELECT count(*) FROM team_members WHERE vendor_org_id = @OrgId;
            """, new { caller.OrgId, size, offset = (number - 1) * size });
        var items = (await read.ReadAsync<Member>()).AsList();
        return TypedResults.Ok(new Paged<Member>(items, await read.ReadSingleAsync<long>(), number, size));
    }

    /// <summary>A removed member claims no more team work; what they hold or submitted stays theirs (and is reviewed and paid).</summary>
    private static async Task<IResult> Remove(Guid workerId, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var removed = await connection.ExecuteAsync("DELETE FROM team_members WHERE vendor_org_id = @OrgId AND worker_id = @workerId",
            new { caller.OrgId, workerId });
        return removed == 0 ? Problems.NotFound($"Team member {workerId}") : TypedResults.NoContent();
    }

    /// <summary>The team work packages of every vendor whose team the worker is on, with open slots, oldest first.</summary>
    private static async Task<IResult> MyTeamWork(int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        var (number, size) = (page ?? 1, pageSize ?? 20);
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync($"""
            SELECT {TeamWorkColumns}
            FROM task_orders o JOIN team_members m ON m.vendor_org_id = o.payer_vendor_org_id AND m.worker_id = @UserId
            WHERE o.audience = 'team' AND o.completed_at IS NULL AND o.cancelled_at IS NULL
            ORDER BY o.created_at, o.order_id LIMIT @size OFFSET @offset;
            SELECT count(*) FROM task_orders o JOIN team_members m ON m.vendor_org_id = o.payer_vendor_org_id AND m.worker_id = @UserId
            WHERE o.audience = 'team' AND o.completed_at IS NULL AND o.cancelled_at IS NULL;
            """, new { caller.UserId, size, offset = (number - 1) * size });
        var items = (await read.ReadAsync<TeamWork>()).AsList();
        return TypedResults.Ok(new Paged<TeamWork>(items, await read.ReadSingleAsync<long>(), number, size));
    }

    /// <summary>
    /// The packages vendors published to the crowd, open to any worker: the crowd's side of a contracted order. Only the
    /// fields a worker needs to choose; whether the worker may claim (grade clearance, qualifications) is the claim's
    /// decision, as for an enterprise's crowd order. Core data never reaches the crowd (refused when the package is made).
    /// </summary>
    private static async Task<IResult> VendorCrowdWork(int? page, int? pageSize, NpgsqlDataSource db)
    {
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        var (number, size) = (page ?? 1, pageSize ?? 20);
        await using var connection = await db.OpenConnectionAsync();
        const string open = """
            o.audience = 'crowd' AND o.payer_vendor_org_id IS NOT NULL AND o.completed_at IS NULL AND o.cancelled_at IS NULL
            AND EXISTS (SELECT 1 FROM assignments a WHERE a.order_id = o.order_id AND a.status = 'open')
            """;
        await using var read = await connection.QueryMultipleAsync($"""
            SELECT {TeamWorkColumns}
            FROM task_orders o WHERE {open}
            ORDER BY o.deadline, o.order_id LIMIT @size OFFSET @offset;
            SELECT count(*) FROM task_orders o WHERE {open};
            """, new { size, offset = (number - 1) * size });
        var items = (await read.ReadAsync<TeamWork>()).AsList();
        return TypedResults.Ok(new Paged<TeamWork>(items, await read.ReadSingleAsync<long>(), number, size));
    }
}
