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
        builder.Services.AddOptions<PayoutOptions>().BindConfiguration("Payouts")
            .Validate(o => { try { return o.RailCallbackKey().Length >= 32; } catch (Exception e) when (e is InvalidOperationException or FormatException) { return false; } },
                "Payouts:RailCallbackSecret must be set to a base64 key of at least 32 bytes")
            .Validate(o => { try { return o.AccountKeyBytes().Length >= 32; } catch (Exception e) when (e is InvalidOperationException or FormatException) { return false; } },
                "Payouts:AccountKey must be set to a base64 key of at least 32 bytes")
            .ValidateOnStart();
        builder.Services.AddSingleton<AccountVault>();
        builder.AddMessaging(x =>
        {
            x.AddConsumer<AssignmentsApprovedConsumer>();
            x.AddConsumer<WorkerBonusGrantedConsumer>();
            x.AddConsumer<SendVendorWithdrawalConsumer>();
            x.AddConsumer<EarningTotalsResponder>(); // settlement's reconciliation asks for totals
        });
        builder.AddJobs();
        // The fake bank stands in for a real provider behind the same interface.
        builder.Services.AddSingleton<IPaymentRail, FakeBank>();
        builder.Services.AddRecurringJob<RunPayoutBatch, PayoutOptions>(RunPayoutBatch.Name, o => o.BatchInterval);
        builder.Services.AddRecurringJob<ReleaseHeldEarnings, PayoutOptions>(ReleaseHeldEarnings.Name, o => o.HoldReleaseInterval);
        builder.Services.AddRecurringJob<SealClearAccounts, PayoutOptions>(SealClearAccounts.Name, o => o.SealAccountsInterval);
        return builder;
    }

    public static WebApplication MapPayouts(this WebApplication app)
    {
        app.MapGroup("/earnings").WithTags("Earnings").MapListEarnings().MapReverseEarning();
        app.MapGroup("/payouts").WithTags("Payouts").MapListPayouts();
        app.MapGroup("/method").WithTags("Payouts").MapPayoutMethod();
        app.MapGroup("/vendor-account").WithTags("Vendor withdrawals").MapVendorPayoutAccount();
        app.MapGroup("/rail").WithTags("Payment rail").MapRailCallbacks();
        app.MapGroup("/payout-batches").WithTags("Payouts").MapTriggerPayoutBatch();
        app.MapGroup("/fake-bank").WithTags("Fake bank").MapSetFakeBankMode().MapListFakeBankTransfers();
        return app;
    }
}
