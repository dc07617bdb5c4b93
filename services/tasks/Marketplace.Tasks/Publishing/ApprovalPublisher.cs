using Dapper;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Tasks.Domain;
using Marketplace.Tasks.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Tasks.Publishing;

/// <summary>
/// Gathers approvals not yet announced into AssignmentsApproved batches (up to 500 each): a vendor's work package's
/// approvals name the order the package is part of and the vendor that pays them. Hands orders whose every
/// assignment is approved to aggregation (which announces OrderWorkCompleted when no item needs more answers). Rows are
/// claimed with SKIP LOCKED, so instances running this at once split the work.
/// Not a job: it is a relay like the outbox's, woken by an approval in this process (<see cref="Signal"/>) and gathering
/// what arrives meanwhile into one batch; a slow poll picks up what a crashed instance left.
/// </summary>
public sealed class ApprovalPublisher(NpgsqlDataSource db, Outbox outbox, TimeProvider clock, IOptions<TasksOptions> options,
    ILogger<ApprovalPublisher> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly WakeSignal Wake = new();

    /// <summary>Called by <see cref="Approvals.ApproveAsync"/>; the publisher looks a moment later, after the approval committed.</summary>
    public static void Signal() => Wake.Notify();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var lastAnnounce = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await Wake.WaitAsync(options.Value.ApprovalPublishInterval, stoppingToken))
                    await Task.Delay(options.Value.ApprovalGatherDelay, stoppingToken);
                var published = await PublishAllAsync(stoppingToken);
                // Orders complete only through approvals: look for them after a batch, and now and then as a safety net; as
                // often as a rolling pass may run, for one that was not yet due after the last batch.
                if (published > 0 || clock.GetUtcNow() - lastAnnounce >= Min(TimeSpan.FromMinutes(1), options.Value.RollingRoutingInterval))
                {
                    await AnnounceCompletedOrdersAsync(stoppingToken);
                    lastAnnounce = clock.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Publishing approvals failed; trying again");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <returns>How many approvals were put into batches.</returns>
    public async Task<int> PublishAllAsync(CancellationToken ct)
    {
        var total = 0;
        int batch;
        do
        {
            batch = await PublishBatchAsync(ct);
            total += batch;
        } while (batch == BatchSize);
        return total;
    }

    /// <summary>
    /// Separate from batching so that two instances batching parts of one order cannot each miss the other's part.
    /// An order whose every slot is approved and announced goes to aggregation (once per slot count: the job's unique key);
    /// the aggregate-labels job decides whether items need more answers or the work is complete. An order routed as
    /// answers arrive goes to it also while slots are open (a rolling pass).
    /// </summary>
    public async Task AnnounceCompletedOrdersAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string ready = """
            SELECT o.order_id, o.total_assignments FROM task_orders o
            WHERE o.completed_at IS NULL AND o.cancelled_at IS NULL AND o.approved_assignments = o.total_assignments
              AND NOT EXISTS (SELECT 1 FROM assignments a
                              WHERE a.order_id = o.order_id
                                AND NOT (a.status = 'rejected' AND a.replaced_by IS NOT NULL) -- its replacement counts instead
                                AND (a.status <> 'approved' OR a.approval_batch_id IS NULL))
            """;
        foreach (var (orderId, total) in await connection.QueryAsync<(Guid OrderId, int Total)>(ready, transaction: tx))
            await AggregateLabels.EnqueueAsync(tx, orderId, total);
        // Orders routed as answers arrive (AggregateLabels.RollsWhere): a rolling pass at most every
        // Tasks:RollingRoutingInterval, when answers approved since the last pass (or within the interval before it: an
        // approval announced after a pass began, or committed while it ran, is not missed) are announced.
        const string rolling = $"""
            SELECT o.order_id, o.total_assignments, o.approved_assignments FROM task_orders o
            WHERE o.completed_at IS NULL AND o.cancelled_at IS NULL AND o.approved_assignments < o.total_assignments
              AND {AggregateLabels.RollsWhere}
              AND (o.labels_aggregated_at IS NULL OR o.labels_aggregated_at <= now() - @interval)
              AND EXISTS (SELECT 1 FROM assignments a
                          WHERE a.order_id = o.order_id AND a.status = 'approved' AND a.approval_batch_id IS NOT NULL
                            AND a.approved_at > coalesce(o.labels_aggregated_at, '-infinity') - @interval)
            """;
        foreach (var (orderId, total, approved) in await connection.QueryAsync<(Guid OrderId, int Total, int Approved)>(
                     rolling, new { interval = options.Value.RollingRoutingInterval }, tx))
            await AggregateLabels.EnqueueAsync(tx, orderId, total, approved);
        await tx.CommitAsync(ct);
    }

    private async Task<int> PublishBatchAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string claim = """
            SELECT a.id AS assignment_id, coalesce(o.package_order_id, a.order_id) AS order_id, a.worker_id, o.worker_reward, o.platform_fee,
                   o.currency, a.auto_approved, a.approved_at, o.payer_vendor_org_id
            FROM assignments a JOIN task_orders o ON o.order_id = a.order_id
            WHERE a.status = 'approved' AND a.approval_batch_id IS NULL
            ORDER BY a.approved_at
            LIMIT @BatchSize
            FOR UPDATE OF a SKIP LOCKED
            """;
        var approvals = (await connection.QueryAsync<Row>(claim, new { BatchSize }, tx)).ToList();
        if (approvals.Count > 0)
        {
            var batchId = Guid.CreateVersion7();
            await connection.ExecuteAsync("UPDATE assignments SET approval_batch_id = @batchId WHERE id = ANY(@ids)",
                new { batchId, ids = approvals.Select(a => a.AssignmentId).ToArray() }, tx);
            await outbox.AddAsync(tx, new AssignmentsApproved(batchId, approvals.Select(a => new ApprovedAssignment(
                a.AssignmentId, a.OrderId, a.WorkerId, a.WorkerReward, a.PlatformFee, a.Currency, a.AutoApproved,
                new DateTimeOffset(a.ApprovedAt, TimeSpan.Zero), a.PayerVendorOrgId)).ToList(), clock.GetUtcNow()));
        }
        await tx.CommitAsync(ct);
        return approvals.Count;
    }

    private sealed record Row(Guid AssignmentId, Guid OrderId, Guid WorkerId, decimal WorkerReward, decimal PlatformFee,
        string Currency, bool AutoApproved, DateTime ApprovedAt, Guid? PayerVendorOrgId);
}
