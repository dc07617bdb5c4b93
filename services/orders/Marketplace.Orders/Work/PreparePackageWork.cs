using Dapper;
using Marketplace.Contracts.Orders;
using Marketplace.Orders.Features;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Work;

/// <summary>
/// Hands a team or crowd work package to tasks the way prepare-work hands a crowd order: its items go into a work file of
/// their own in the content store, then StartWorkPackage names the file (through the outbox). The reward per answer is
/// the vendor's; the order's terms ride along whole. Running again rewrites the file and sends again; tasks splits once.
/// A rework package (after a failed acceptance sample) asks one answer per item, with no dynamic overlap, and carries
/// the enterprise's finding for each item, as a crowd order's rework does. The order's title and instructions ride along,
/// so the package's workers read what a crowd order's workers read.
/// </summary>
[Hangfire.Queue(JobQueues.Long)]
public sealed class PreparePackageWork(NpgsqlDataSource db, IContentStore store, Outbox outbox, TimeProvider clock) : IJob<PreparePackageWork.Payload>
{
    public const string Name = "prepare-package-work";

    public sealed record Payload(Guid PackageId);

    public static string ItemsKey(Guid orderId, Guid packageId) => $"work/{orderId:N}/packages/{packageId:N}.jsonl";

    private sealed record Package(Guid Id, Guid OrderId, Guid VendorOrgId, string Kind, decimal RewardPerAnswer, int? ReworkRound);

    public static Task<long?> EnqueueAsync(NpgsqlTransaction tx, Guid packageId) =>
        JobIntents.EnqueueAsync<PreparePackageWork, Payload>(tx, new Payload(packageId), uniqueKey: $"{Name}:{packageId}");

    public async Task RunAsync(Payload payload, CancellationToken ct)
    {
        Package package;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            package = await connection.QuerySingleAsync<Package>(
                "SELECT id, order_id, vendor_org_id, kind, reward_per_answer, rework_round FROM work_packages WHERE id = @PackageId AND kind <> 'subcontract'", payload);
        }
        var key = ItemsKey(package.OrderId, package.Id);
        var (regular, _) = await PrepareWork.WriteWorkFileAsync(db, store, key, package.OrderId, package.Id, ct);

        await using var announce = await db.OpenConnectionAsync(ct);
        await using var tx = await announce.BeginTransactionAsync(ct);
        // The order's row lock orders this with a cancellation, which counts the packages handed over.
        await announce.ExecuteAsync("SELECT 1 FROM orders WHERE id = @OrderId FOR SHARE", package, tx);
        var order = await OrderView.FindAsync(tx.Connection!, package.OrderId, null, tx) ?? throw new InvalidOperationException($"Order {package.OrderId} is unknown");
        // Cancelled (or disputed) meanwhile: nothing to hand over.
        if (order.Status != (package.ReworkRound is null ? Process.OrderState.InProgress : Process.OrderState.Rework)) return;
        await announce.ExecuteAsync("UPDATE work_packages SET handed_over_at = coalesce(handed_over_at, now()) WHERE id = @Id", package, tx);
        var crowd = package.Kind == Domain.WorkPlan.Kinds.Crowd;
        var rework = package.ReworkRound is not null;
        var work = new OrderReadyForWork(order.Id, package.VendorOrgId, order.TaskType, order.Labels,
            [], rework ? 1 : order.Overlap, package.RewardPerAnswer, package.RewardPerAnswer, 0m, order.Currency,
            order.Deadline, clock.GetUtcNow(), order.MultiLabel, order.Criteria, order.DataGrade, order.SuiteSize, order.LeaseSeconds,
            key, regular, order.Industry, order.PersonalInformation, crowd ? order.RequiredQualifications : [], crowd ? order.RequiredAccuracy : null,
            0m, rework ? null : order.ConfidenceBar, rework ? null : order.OverlapCap, 0, 0, order.AutoApproveSeconds, order.Terms);
        var findings = rework
            ? (await announce.QueryAsync<ItemFinding>("""
                SELECT s.item_id, s.finding FROM work_package_items w
                JOIN acceptance_samples s ON s.order_id = w.order_id AND s.item_id = w.item_id AND s.round = @ReworkRound
                WHERE w.package_id = @Id
                """, package, tx)).AsList()
            : null;
        await outbox.AddAsync(tx, new StartWorkPackage(package.Id, order.Id, package.VendorOrgId, package.Kind, package.RewardPerAnswer,
            work, clock.GetUtcNow(), package.ReworkRound, findings, order.Title, order.Instructions, order.EnterpriseOrgId));
        await tx.CommitAsync(ct);
    }
}
