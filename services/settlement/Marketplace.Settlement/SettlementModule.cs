using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Consumers;
using Marketplace.Settlement.Features;

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
            x.AddConsumer<OrderFactsConsumer>();
        });
        builder.Services.AddValidator<Deposit.Request, Deposit.Validator>();
        return builder;
    }

    public static WebApplication MapSettlement(this WebApplication app)
    {
        app.MapGroup("/wallet").WithTags("Wallet").MapDeposit().MapGetWallet();
        app.MapGroup("/reports").WithTags("Reports").MapPeriodReport();
        app.MapGroup("/accounts").WithTags("Accounts").MapListAccounts();
        app.MapGroup("/statements").WithTags("Statements").MapStatements();
        return app;
    }
}
