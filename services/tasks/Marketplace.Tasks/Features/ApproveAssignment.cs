using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>The order's enterprise (or, for a vendor's work package, that vendor) approves a submission; approvals travel on to payouts and settlement in batches.</summary>
public static class ApproveAssignment
{
    public sealed record Response(Guid AssignmentId, string Status);

    public static RouteGroupBuilder MapApproveAssignment(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/approve", Handle).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Vendor)).RequireOrgRole(OrgPermission.Review).RetryOnDeadlock()
            .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Handle(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Approvals.LockOrderOfAsync(tx, id);
        var status = await connection.ExecuteScalarAsync<string?>("""
            SELECT a.status FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.id = @id AND o.enterprise_org_id = @OrgId
            FOR UPDATE OF a
            """, new { id, caller.OrgId }, tx);
        if (status is null) return Problems.NotFound($"Assignment {id}");
        if (status != "submitted") return Problems.Conflict($"Assignment {id} is {status}; only a submitted assignment can be approved.", status);
        await Approvals.ApproveAsync(tx, id, autoApproved: false);
        await tx.CommitAsync();
        return TypedResults.Ok(new Response(id, "approved"));
    }
}
