using MassTransit;
using Marketplace.Gateway.Audit;
using Marketplace.Gateway.Bootstrap;
using Marketplace.Gateway.Features;
using Marketplace.Gateway.Notifications;
using Marketplace.Gateway.Organisations;
using Marketplace.Gateway.Portal;
using Marketplace.Gateway.Routing;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Gateway;

/// <summary>
/// The gateway owns accounts and sign-in, serves the portal (static files) and the workers' list of available work, and forwards /api/&lt;service&gt;/... to the services.
/// It keeps each account's in-app notifications, fed by the services' events (it knows every account and organisation,
/// so it can tell one person or all of an organisation's people); that is all its bus is for.
/// </summary>
public static class GatewayModule
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        // Only the gateway makes user tokens (with its private key); every service checks them (AddServiceDefaults).
        builder.AddTokenIssuer();
        // Registered after AddServiceDefaults' migration service, so it starts on a migrated database.
        builder.Services.AddHostedService<OperatorBootstrap>();
        builder.AddServiceRoutes();
        // Every notification kind is a consumer in Notifications (one class per event): adding a kind needs no line here.
        builder.AddMessaging(x => x.AddConsumers(t => t.Namespace == typeof(Kinds).Namespace, typeof(Kinds).Assembly));
        // The gateway faces the users: its own /metrics is for operators (the services' stay on their own ports).
        builder.Services.Configure<TelemetryOptions>(o => o.MetricsForOperatorsOnly = true);
        builder.AddAvailableWork();
        builder.Services.AddOptions<InvitationOptions>().BindConfiguration("Gateway:Invitations");
        builder.Services.AddOptions<SignInLockoutOptions>().BindConfiguration("Gateway:SignIn");
        builder.Services.AddMemoryCache();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // After authentication: it records every operator request that changes something, wherever it goes.
        app.UseOperatorAudit();
        // After authentication (MapServiceDefaults), before every endpoint and the services' routes.
        app.UseMiddleware<TokenRevocation>();
        app.UseMiddleware<MembershipCheck>();
        app.MapGroup("/api/auth").WithTags("Accounts")
            .MapRegister()
            .MapSignIn()
            .MapSessions()
            .MapMe()
            .MapListUsers()
            .MapCreateOperator()
            .MapDashboardSession()
            .MapActingFor()
            .MapMyInvitations();
        app.MapGroup("/api/organisation").WithTags("Organisation members").MapMembers().MapInvitations();
        app.MapGroup("/api/notifications").WithTags("Notifications").MapNotifications();
        app.MapGroup("/api/ops").WithTags("Operator audit").MapOperatorAudit();
        app.MapPortal();
        app.MapApiReference();
        app.MapAvailableWork();
        app.MapServiceRoutes();
        return app;
    }
}
