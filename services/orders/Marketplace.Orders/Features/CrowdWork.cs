using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Npgsql;

namespace Marketplace.Orders.Features;

/// <summary>
/// GET /orders/crowd-work: the crowd orders open to work (in progress or in rework), for workers to look at before
/// claiming: only the fields meant for workers (no enterprise, budget or price). Whether a worker may claim is decided by
/// tasks at the claim. The gateway's /api/portal/work relays it with the worker's own token.
/// </summary>
public static class CrowdWork
{
    public const int Limit = 400;

    public sealed record WorkView(
        Guid Id, string Title, string Instructions, string TaskType, string[] Labels, bool MultiLabel,
        IReadOnlyList<Marketplace.Contracts.Orders.RubricCriterion> Criteria, decimal WorkerReward, string Currency, DateTime Deadline,
        string DataGrade, bool PersonalInformation, string Industry, string[] RequiredQualifications, decimal? RequiredAccuracy,
        int SuiteSize, int? LeaseSeconds, string Status);

    public static RouteGroupBuilder MapCrowdWork(this RouteGroupBuilder group)
    {
        group.MapGet("/crowd-work", Handle).RequireAuthorization(Roles.Worker).Produces<List<WorkView>>();
        return group;
    }

    private static async Task<IResult> Handle(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var orders = await connection.QueryAsync<OrderView>($"""
            SELECT {OrderView.Columns} FROM orders
            WHERE mode = 'crowd' AND status IN ('in_progress', 'rework')
            ORDER BY deadline, id
            LIMIT {Limit}
            """);
        return TypedResults.Ok(orders.Select(o => new WorkView(o.Id, o.Title, o.Instructions, o.TaskType, o.Labels, o.MultiLabel,
            o.Criteria, o.WorkerReward, o.Currency, o.Deadline, o.DataGrade, o.PersonalInformation, o.Industry, o.RequiredQualifications,
            o.RequiredAccuracy, o.SuiteSize, o.LeaseSeconds, o.StatusName)).ToList());
    }
}
