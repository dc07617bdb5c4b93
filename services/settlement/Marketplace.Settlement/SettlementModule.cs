using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Consumers;
using Marketplace.Settlement.Domain;
using Marketplace.Settlement.Features;
using Marketplace.Settlement.Jobs;
using Marketplace.ServiceDefaults.Jobs;

namespace Marketplace.Settlement;

public static class SettlementModule
{
    public static WebApplicationBuilder AddSettlement(this WebApplicationBuilder builder)
    {
        builder.AddMessaging(x =>
        {
            x.AddConsumer<OrderPublishedConsumer>();
            x.AddConsumer<AssignmentsApprovedConsumer>();
            x.AddConsumer<PayoutSentConsumer>();
            x.AddConsumer<OrderCancelledConsumer>();
            x.AddConsumer<OrderWorkClosedConsumer>();
            x.AddConsumer<OrderAcceptedConsumer>();
            x.AddConsumer<OrderReworkRequestedConsumer>();
            x.AddConsumer<OrderReadyForWorkConsumer>();
            x.AddConsumer<EarningReversedConsumer>();
        });
        var options = builder.Configuration.GetSection("Settlement").Get<SettlementOptions>() ?? new SettlementOptions();
        builder.Services.Configure<SettlementOptions>(builder.Configuration.GetSection("Settlement"));
        builder.Services.AddRecurringJob<ExpirePendingEscrow>(ExpirePendingEscrow.Name, options.PendingEscrowSweepInterval);
        builder.Services.AddValidator<Deposit.Request, Deposit.Validator>();
        builder.Services.AddValidator<GrantBonus.Request, GrantBonus.Validator>();
        return builder;
    }

    public static WebApplication MapSettlement(this WebApplication app)
    {
        app.MapGroup("/wallet").WithTags("Wallet").MapDeposit().MapGetWallet();
        app.MapGroup("/bonuses").WithTags("Bonuses").MapGrantBonus();
        app.MapGroup("/reports").WithTags("Reports").MapPeriodReport();
        app.MapGroup("/accounts").WithTags("Accounts").MapListAccounts();
        return app;
    }
}
