using Marketplace.Orders.Consumers;
using Marketplace.Orders.Domain;
using Marketplace.Orders.Datasets;
using Marketplace.Orders.Features;
using Marketplace.Orders.Work;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.Orders.Features.Supermarket;
using Marketplace.ServiceDefaults.Content;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;

namespace Marketplace.Orders;

public static class OrdersModule
{
    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        builder.AddMessaging(x =>
        {
            x.AddConsumer<OrderFundedConsumer>();
            x.AddConsumer<OrderFundingFailedConsumer>();
            x.AddConsumer<OrderWorkCompletedConsumer>();
            x.AddConsumer<OrderRefundedConsumer>();
            x.AddConsumer<OrderReworkFundedConsumer>();
            x.AddConsumer<OrderReworkFundingFailedConsumer>();
            x.AddConsumer<OrderEscrowReleasedConsumer>();
            x.AddConsumer<OrderEscrowExpiredConsumer>();
            x.AddConsumer<CallForBidsClosedConsumer>();
            x.AddConsumer<BidAwardedConsumer>();
            x.AddConsumer<EscrowAdjustedToContractConsumer>();
            x.AddConsumer<WorkPackageCompletedConsumer>();
        });
        builder.Services.AddSingleton<Process.OrderProcessRunner>();
        builder.Services.AddOptions<FeeOptions>().BindConfiguration("Orders");
        builder.Services.AddContentStore(builder.Configuration);
        builder.Services.AddOptions<Datasets.DatasetLimits>().BindConfiguration("Orders:Datasets");
        builder.AddContentLinks();
        builder.AddJobs();
        builder.Services.AddOptions<Jobs.DeadlineOptions>().BindConfiguration("Orders:Deadlines");
        builder.Services.AddRecurringJob<Jobs.OrderDeadlines, Jobs.DeadlineOptions>(Jobs.OrderDeadlines.Name, o => o.SweepInterval);
        return builder;
    }

    public static WebApplication MapOrders(this WebApplication app)
    {
        app.MapGroup("/orders").WithTags("Orders")
            .MapCreateOrder()
            .MapGetOrder()
            .MapListOrders()
            .MapCrowdWork()
            .MapPublishOrder()
            .MapCancelOrder()
            .MapTender()
            .MapExtendDeadline()
            .MapWorkPackages()
            .MapAcceptance()
            .MapOrderDisputes()
            .MapDatasetUploads()
            .MapContentFiles();
        app.MapGroup("/disputes").WithTags("Disputes").MapDisputes();
        app.MapGroup("/content").WithTags("Content").MapServeContent();
        app.MapGroup("/fees").WithTags("Fees").MapFeeSchedule();
        app.MapGroup("/listings").WithTags("Supermarket").MapListings();
        app.MapGroup("/certifications").WithTags("Supermarket").MapCertifications();
        return app;
    }
}
