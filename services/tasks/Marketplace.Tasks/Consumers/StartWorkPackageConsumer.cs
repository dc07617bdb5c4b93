using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>
/// Splits a vendor's work package like a crowd order (<see cref="OrderReadyForWorkConsumer.SplitAsync"/>), keyed by the
/// package's id: the vendor reviews it (its organisation stands where an enterprise would), each answer pays the
/// vendor's reward with no platform fee, and the package's audience decides who may claim it.
/// </summary>
public sealed class StartWorkPackageConsumer(NpgsqlDataSource db, IContentStore store, ILogger<StartWorkPackageConsumer> logger)
    : IConsumer<StartWorkPackage>
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
            await tx.Connection!.ExecuteAsync("""
                UPDATE task_orders SET package_order_id = @OrderId, payer_vendor_org_id = @VendorOrgId, audience = @Audience
                WHERE order_id = @PackageId
                """, package, tx);
        });
    }
}
