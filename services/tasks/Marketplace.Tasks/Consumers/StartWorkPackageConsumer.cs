using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>
/// Splits a vendor's work package like a crowd order (<see cref="OrderReadyForWorkConsumer.SplitAsync"/>), keyed by the
/// package's id: the vendor reviews it (its organisation stands where an enterprise would), each answer pays the
/// vendor's reward with no platform fee, and the package's audience decides who may claim it. A rework package's slots
/// carry the enterprise's findings, as a crowd order's rework slots do. The order's title and instructions are kept
/// with the package, for its workers' feed and workbench. The team is told its work arrived
/// (TeamWorkArrived, same transaction); the crowd is not.
/// </summary>
public sealed class StartWorkPackageConsumer(NpgsqlDataSource db, IContentStore store, Outbox outbox, TimeProvider clock,
    ILogger<StartWorkPackageConsumer> logger) : IConsumer<StartWorkPackage>
{
    public Task Consume(ConsumeContext<StartWorkPackage> context)
    {
        var package = context.Message;
        if (package.Audience is not ("team" or "crowd")) throw new InvalidOperationException($"Package {package.PackageId}: unknown audience {package.Audience}");
        var work = package.Work with
        {
            OrderId = package.PackageId, EnterpriseOrgId = package.VendorOrgId, WorkerReward = package.RewardPerAnswer, PlatformFee = 0m,
            UnitPrice = package.RewardPerAnswer, GoldSlots = 0, GoldItemCount = 0,
        };
        return db.ApplyOnceAsync(context, nameof(StartWorkPackageConsumer), async tx =>
        {
            if (!await OrderReadyForWorkConsumer.SplitAsync(tx, work, store, logger, context.CancellationToken)) return;
            var connection = tx.Connection!;
            await connection.ExecuteAsync("""
                UPDATE task_orders SET package_order_id = @OrderId, payer_vendor_org_id = @VendorOrgId, audience = @Audience,
                                       title = @Title, instructions = @Instructions, order_enterprise_org_id = @EnterpriseOrgId
                WHERE order_id = @PackageId
                """, package, tx);
            if (package is { ReworkRound: { } round, Findings: { Count: > 0 } findings })
                await connection.ExecuteAsync("""
                    UPDATE assignments a SET rework_round = @round, rework_finding = f.finding
                    FROM unnest(@itemIds, @texts) AS f(item_id, finding)
                    WHERE a.order_id = @PackageId AND a.item_id = f.item_id
                    """, new { package.PackageId, round, itemIds = findings.Select(f => f.ItemId).ToArray(), texts = findings.Select(f => f.Finding).ToArray() }, tx);
            if (package.Audience != "team") return;
            var team = (await connection.QueryAsync<Guid>(
                "SELECT worker_id FROM team_members WHERE vendor_org_id = @VendorOrgId ORDER BY worker_id", package, tx)).AsList();
            var slots = await connection.ExecuteScalarAsync<int>("SELECT total_assignments FROM task_orders WHERE order_id = @PackageId", package, tx);
            await outbox.AddAsync(tx, new TeamWorkArrived(package.PackageId, package.OrderId, package.VendorOrgId, team, work.TaskType, work.DataGrade,
                slots, package.RewardPerAnswer, work.Currency, work.Deadline, package.ReworkRound, clock.GetUtcNow()));
        });
    }
}
