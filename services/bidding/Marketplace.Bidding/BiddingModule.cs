using Marketplace.Bidding.Consumers;
using Marketplace.Bidding.Features;
using Marketplace.Bidding.Jobs;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;

namespace Marketplace.Bidding;

/// <summary>
/// Calls for bids (opened, extended and withdrawn by orders' commands), sealed bids, evaluation and award, contracts, and
/// the vendors' track records. Who sees a call follows what orders' supermarket says each vendor is qualified for.
/// </summary>
public static class BiddingModule
{
    public static WebApplicationBuilder AddBidding(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BiddingOptions>().BindConfiguration("Bidding");
        builder.AddMessaging(x =>
        {
            x.AddConsumer<OpenCallForBidsConsumer>();
            x.AddConsumer<ExtendCallForBidsConsumer>();
            x.AddConsumer<WithdrawCallForBidsConsumer>();
            x.AddConsumer<VendorQualificationsChangedConsumer>();
            x.AddConsumer<OrderDeliveredConsumer>();
            x.AddConsumer<OrderReworkRequestedConsumer>();
            x.AddConsumer<OrderAcceptedConsumer>();
            x.AddConsumer<DisputeOpenedConsumer>();
            x.AddConsumer<DisputeDecidedConsumer>();
        });
        builder.AddJobs();
        builder.Services.AddRecurringJob<CloseDueCalls, BiddingOptions>(CloseDueCalls.Name, o => o.CloseSweepInterval);
        return builder;
    }

    public static WebApplication MapBidding(this WebApplication app)
    {
        app.MapGroup("/calls").WithTags("Calls for bids").MapCalls().MapPlaceBid().MapEvaluation();
        app.MapGroup("/bids").WithTags("Bids").MapBids();
        app.MapGroup("/contracts").WithTags("Contracts").MapContracts();
        app.MapGroup("/vendors").WithTags("Track records").MapTrackRecord();
        return app;
    }
}
