using Dapper;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Process;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Orders.Jobs;

/// <summary>Orders' deadline settings ("Orders:Deadlines" in configuration).</summary>
public sealed class DeadlineOptions
{
    /// <summary>How often deadlines are looked at.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long before a crowd order's deadline the enterprise is warned that its work is unfinished.</summary>
    public TimeSpan WarnBefore { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// The deadline acts on crowd orders whose work is in progress (deadlines are data: orders.deadline, from the terms).
/// A day before, the enterprise is warned once (OrderDeadlineApproaching, in the same transaction that marks the order
/// warned); when the deadline passes, the order expires (OrderProcess: DeadlinePassed → expired, which sends
/// CloseWorkAtDeadline). Each order is claimed with FOR UPDATE SKIP LOCKED in its own transaction, so two instances never
/// act on the same order and an enterprise extending the deadline at that moment either wins or sees it expired.
/// Contracted orders are not touched: a vendor delivering late pays the contract's penalty.
/// </summary>
public sealed class OrderDeadlines(NpgsqlDataSource db, Outbox outbox, OrderProcessRunner process, IOptions<DeadlineOptions> options,
    TimeProvider clock) : IRecurringJob
{
    public const string Name = "order-deadlines";
    private const int MaxPerRun = 500;

    public async Task RunAsync(CancellationToken ct)
    {
        for (var n = 0; n < MaxPerRun && await WarnOneAsync(ct); n++) { }
        for (var n = 0; n < MaxPerRun && await ExpireOneAsync(ct); n++) { }
    }

    private sealed record Due(Guid Id, Guid EnterpriseOrgId, string Title, DateTime Deadline, int ItemCount);

    private async Task<bool> WarnOneAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var due = await connection.QuerySingleOrDefaultAsync<Due>("""
            SELECT id, enterprise_org_id, title, deadline, item_count FROM orders
            WHERE status = 'in_progress' AND mode = 'crowd' AND deadline_warned_at IS NULL
              AND deadline > clock_timestamp() AND deadline <= clock_timestamp() + @warnBefore
            ORDER BY deadline LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, new { warnBefore = options.Value.WarnBefore }, tx);
        if (due is null) return false;
        await connection.ExecuteAsync("UPDATE orders SET deadline_warned_at = now() WHERE id = @Id", new { due.Id }, tx);
        await outbox.AddAsync(tx, new OrderDeadlineApproaching(due.Id, due.EnterpriseOrgId, due.Title,
            new DateTimeOffset(DateTime.SpecifyKind(due.Deadline, DateTimeKind.Utc)), due.ItemCount, clock.GetUtcNow()));
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task<bool> ExpireOneAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.QuerySingleOrDefaultAsync<Guid?>("""
            SELECT id FROM orders
            WHERE status = 'in_progress' AND mode = 'crowd' AND deadline <= clock_timestamp()
            ORDER BY deadline LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, transaction: tx);
        if (id is null) return false;
        await process.FireAsync(tx, id.Value, OrderTrigger.DeadlinePassed, "the deadline passed with the work unfinished");
        await tx.CommitAsync(ct);
        return true;
    }
}
