using Marketplace.Gateway.Features;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Identity;

namespace Marketplace.Gateway;

public static class GatewayModule
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        builder.Services.AddValidator<Register.Request, Register.Validator>();
        builder.Services.AddValidator<SignIn.Request, SignIn.Validator>();
        builder.Services.AddValidator<CreateOperator.Request, CreateOperator.Validator>();
        builder.Services.AddHostedService<OperatorBootstrap>();
        builder.AddServiceRoutes();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapGroup("/api/auth").WithTags("Accounts")
            .MapRegister()
            .MapSignIn()
            .MapMe()
            .MapListUsers()
            .MapCreateOperator();
        app.MapPortal();
        app.MapServiceRoutes();
        return app;
    }
}
