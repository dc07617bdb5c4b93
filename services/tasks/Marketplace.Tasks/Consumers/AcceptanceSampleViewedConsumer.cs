using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Consumers;

/// <summary>Records the sampled items orders showed on its acceptance page in the trail of content views, one row per item.</summary>
public sealed class AcceptanceSampleViewedConsumer(NpgsqlDataSource db) : IConsumer<AcceptanceSampleViewed>
{
    public Task Consume(ConsumeContext<AcceptanceSampleViewed> context)
    {
        var view = context.Message;
        return db.ApplyOnceAsync(context, nameof(AcceptanceSampleViewedConsumer), tx => tx.Connection!.ExecuteAsync("""
            INSERT INTO content_views (order_id, item_id, assignment_id, viewer_id, viewer_org_id, viewer_role, how, viewed_at)
            SELECT @OrderId, item_id, NULL, @ViewerId, @ViewerOrgId, @ViewerRole, @how, @viewedAt
            FROM unnest(@itemIds) AS item_id
            """, new
        {
            view.OrderId, view.ViewerId, view.ViewerOrgId, view.ViewerRole, how = ContentViews.AcceptanceSample,
            itemIds = view.ItemIds.ToArray(), viewedAt = view.OccurredAt.UtcDateTime,
        }, tx));
    }
}
