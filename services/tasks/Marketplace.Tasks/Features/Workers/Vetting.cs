using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// Vetting for important-grade data: an operator vets (or revokes) a worker whose identity is verified. The record keeps
/// who vetted and for which organisation, so a vendor vetting the workers of its own pool is one more allowed role here.
/// </summary>
public static class Vetting
{
    public sealed record Request(string Decision, string? Note);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Decision).NotEmpty().Must(d => d is "vet" or "revoke").WithMessage("'Decision' must be vet or revoke.");
            RuleFor(r => r.Note).NotEmpty().When(r => r.Decision == "revoke").WithMessage("Give a 'Note' when revoking.");
            RuleFor(r => r.Note).MaximumLength(1000);
        }
    }

    public sealed record View(Guid WorkerId, string Status, string VetterRole, string? Note, DateTime DecidedAt);

    public static RouteGroupBuilder MapVetting(this RouteGroupBuilder group)
    {
        group.MapPost("/{workerId:guid}/vetting", Decide).RequireAuthorization(Roles.Operator).Validate<Request>()
            .Produces<View>().ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Decide(Guid workerId, Request request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var identity = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM worker_identities WHERE worker_id = @workerId", new { workerId });
        if (request.Decision == "vet" && identity != "verified")
            return Problems.Conflict("Only a worker whose identity is verified can be vetted.", identity ?? "none");
        var view = await connection.QuerySingleAsync<View>("""
            INSERT INTO worker_vettings (worker_id, status, vetter_id, vetter_role, vetter_org_id, note)
            VALUES (@workerId, @status, @UserId, @Role, @OrgId, @Note)
            ON CONFLICT (worker_id) DO UPDATE
            SET status = excluded.status, vetter_id = excluded.vetter_id, vetter_role = excluded.vetter_role,
                vetter_org_id = excluded.vetter_org_id, note = excluded.note, decided_at = now()
            RETURNING worker_id, status, vetter_role, note, decided_at
            """, new { workerId, status = request.Decision == "vet" ? "vetted" : "revoked", caller.UserId, caller.Role, caller.OrgId, request.Note });
        return TypedResults.Ok(view);
    }
}
