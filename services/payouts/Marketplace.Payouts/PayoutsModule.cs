using Marketplace.Payouts.Consumers;
using Marketplace.Payouts.Domain;
using Marketplace.Payouts.Features;
using Marketplace.Payouts.Jobs;
using Marketplace.Payouts.Rail;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;

namespace Marketplace.Payouts;

public static class PayoutsModule
{
    public static WebApplicationBuilder AddPayouts(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Payouts").Get<PayoutOptions>() ?? new PayoutOptions();
        builder.Services.Configure<PayoutOptions>(builder.Configuration.GetSection("Payouts"));
        builder.AddMessaging(x =>
        {
            x.AddConsumer<AssignmentsApprovedConsumer>();
            x.AddConsumer<WorkerBonusGrantedConsumer>();
            x.AddConsumer<EarningTotalsResponder>(); // settlement's reconciliation asks for totals
        });
        builder.Services.AddJob<FakeBankCallback>();
        // The fake bank stands in for a real provider behind the same interface.
        builder.Services.AddSingleton<IPaymentRail, FakeBank>();
        builder.Services.AddRecurringJob<RunPayoutBatch>(RunPayoutBatch.Name, options.BatchInterval);
        builder.Services.AddRecurringJob<ReleaseHeldEarnings>(ReleaseHeldEarnings.Name, options.HoldReleaseInterval);
        return builder;
    }

    public static WebApplication MapPayouts(this WebApplication app)
    {
        app.MapGroup("/earnings").WithTags("Earnings").MapListEarnings().MapReverseEarning();
        app.MapGroup("/payouts").WithTags("Payouts").MapListPayouts();
        app.MapGroup("/method").WithTags("Payouts").MapPayoutMethod();
        app.MapGroup("/rail").WithTags("Payment rail").MapRailCallbacks();
        app.MapGroup("/payout-batches").WithTags("Payouts").MapTriggerPayoutBatch();
        app.MapGroup("/fake-bank").WithTags("Fake bank").MapSetFakeBankMode().MapListFakeBankTransfers();
        return app;
    }
}
