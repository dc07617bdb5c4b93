using Marketplace.Bidding.Consumers;
using Marketplace.Bidding.Features;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;

namespace Marketplace.Bidding;

/// <summary>
/// Calls for bids, sealed bids and awards arrive in a later issue. For now bidding keeps the vendors' feed of
/// published orders, which is where calls for bids will start.
/// </summary>
public static class BiddingModule
{
    public static WebApplicationBuilder AddBidding(this WebApplicationBuilder builder)
    {
        builder.AddMessaging(x => x.AddConsumer<OrderPublishedConsumer>());
        // No jobs yet (bid deadlines come with calls for bids); the server and the dashboard are there for them.
        builder.AddJobs();
        return builder;
    }

    public static WebApplication MapBidding(this WebApplication app)
    {
        app.MapGroup("/open-orders").WithTags("Open orders").MapListOpenOrders();
        return app;
    }
}
