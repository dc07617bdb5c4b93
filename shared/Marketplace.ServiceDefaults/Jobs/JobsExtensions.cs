using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Jobs;

public static class JobsExtensions
{
    public static IServiceCollection AddJob<THandler>(this IServiceCollection services) where THandler : class, IJobHandler =>
        services.AddSingleton<IJobHandler, THandler>();

    public static IServiceCollection AddRecurringJob<THandler>(this IServiceCollection services, string name, TimeSpan interval)
        where THandler : class, IJobHandler
    {
        services.AddSingleton<IJobHandler, THandler>();
        services.AddSingleton(new RecurringJob(name, interval));
        return services;
    }
}
