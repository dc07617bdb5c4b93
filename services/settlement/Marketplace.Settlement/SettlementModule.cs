using Marketplace.Contracts.Payouts;
using Marketplace.Contracts.Tasks;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Consumers;
using Marketplace.Settlement.Domain;
using Marketplace.Settlement.Features;
using Marketplace.Settlement.Jobs;
using Marketplace.Settlement.Rail;
using Marketplace.Settlement.Reconciliation;

namespace Marketplace.Settlement;

public static class SettlementModule
{
    public static WebApplicationBuilder AddSettlement(this WebApplicationBuilder builder)
    {
        builder.AddMessaging(x =>
        {
            x.AddConsumer<OrderPublishedConsumer>();
            x.AddConsumer<AdjustEscrowToContractConsumer>();
            x.AddConsumer<AssignmentsApprovedConsumer>();
            x.AddConsumer<PayoutSentConsumer>();
            x.AddConsumer<OrderCancelledConsumer>();
            x.AddConsumer<CloseWorkAtDeadlineConsumer>();
            x.AddConsumer<OrderWorkClosedConsumer>();
            x.AddConsumer<OrderAcceptedConsumer>();
            x.AddConsumer<OrderReworkRequestedConsumer>();
            x.AddConsumer<OrderReadyForWorkConsumer>();
            x.AddConsumer<EarningReversedConsumer>();
            x.AddConsumer<OrderFactsConsumer>();
            x.AddConsumer<SubcontractAgreedConsumer>();
            x.AddConsumer<DisputeDecidedConsumer>();
            x.AddConsumer<VendorPayoutAccountSetConsumer>();
            x.AddConsumer<VendorWithdrawalSentConsumer>();
            x.AddConsumer<VendorWithdrawalFailedConsumer>();
            // Reconciliation asks tasks and payouts for their totals (they own that data).
            x.AddRequestClient<GetApprovalTotals>();
            x.AddRequestClient<GetEarningTotals>();
        });
        builder.Services.AddOptions<SettlementOptions>().BindConfiguration("Settlement")
            .Validate(o => { try { return o.PayInCallbackKey().Length >= 32; } catch (Exception e) when (e is InvalidOperationException or FormatException) { return false; } },
                "Settlement:PayInCallbackSecret must be set to a base64 key of at least 32 bytes")
            .ValidateOnStart();
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration("Settlement:Reconciliation");
        builder.AddJobs();
        builder.Services.AddRecurringJob<ExpirePendingEscrow, SettlementOptions>(ExpirePendingEscrow.Name, o => o.PendingEscrowSweepInterval);
        builder.Services.AddSingleton<Reconciler>();
        builder.Services.AddRecurringJob<ReconcileJob, ReconciliationOptions>(ReconcileJob.Name, o => o.Interval);
        return builder;
    }

    public static WebApplication MapSettlement(this WebApplication app)
    {
        app.MapGroup("/wallet").WithTags("Wallet").MapDeposit().MapWalletWithdrawals().MapGetWallet();
        app.MapGroup("/bonuses").WithTags("Bonuses").MapGrantBonus();
        app.MapGroup("/reports").WithTags("Reports").MapPeriodReport().MapOperatorReports().MapDashboard();
        app.MapGroup("/periods").WithTags("Reports").MapPeriods();
        app.MapGroup("/accounts").WithTags("Accounts").MapListAccounts();
        app.MapGroup("/vendor").WithTags("Vendor money").MapVendorMoney();
        app.MapGroup("/statements").WithTags("Statements").MapStatements();
        app.MapGroup("/reconciliation").WithTags("Reconciliation").MapReconciliation();
        app.MapGroup("/rail").WithTags("Payment rail").MapPayIns();
        app.MapGroup("/fake-bank").WithTags("Fake bank").MapFakePayInBank();
        return app;
    }
}
