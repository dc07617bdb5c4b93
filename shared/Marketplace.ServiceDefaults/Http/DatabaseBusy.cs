using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// What a service answers when the database, not the caller, is the problem for a moment: its connection pool is
/// exhausted, PostgreSQL has no connection slot left, a lock or serialisation conflict outlived the endpoint's retries.
/// That is 503 with Retry-After and a ProblemDetails, never a 500 (the caller did nothing wrong and may simply try again),
/// and it is logged as a warning with the trace so an operator sees the pressure.
/// </summary>
internal sealed class DatabaseBusyExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseBusyExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not NpgsqlException { IsTransient: true } busy) return false;
        logger.LogWarning(busy, "The database was busy for {Method} {Path}: answered 503", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Busy: try again in a moment",
                Detail = "The service's database could not take this request just now; nothing was changed. Retry after a second.",
                Extensions = { [ProblemCodes.Extension] = "server.busy" },
            },
        });
    }
}

/// <summary>
/// Bounded concurrency for endpoints that all contend for the same rows (claims on one order's queue): at most
/// <c>permits</c> run at once per instance and the rest wait in line, so a crowd arriving together queues in memory
/// instead of taking every pooled connection (which then timed out under 200 simultaneous claims: a 500). A request
/// that finds the line full is answered 503 with Retry-After.
/// </summary>
public static class DatabaseConcurrency
{
    /// <summary>A concurrency policy whose permits and queue length come from the service's options.</summary>
    public static IServiceCollection AddConcurrencyPolicy<TOptions>(this IServiceCollection services, string policy,
        Func<TOptions, (int Permits, int Queue)> limits) where TOptions : class
    {
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TOptions>>((o, options) =>
        {
            var (permits, queue) = limits(options.Value);
            o.AddConcurrencyLimiter(policy, l =>
            {
                l.PermitLimit = permits;
                l.QueueLimit = queue;
                l.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        return services;
    }

    internal static IServiceCollection AddRateLimitingProblems(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                // A rate limit (RateLimits) says when its window ends: the caller asked too often, 429. A concurrency
                // limit knows no such time: the instance is busy, 503.
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = http,
                        ProblemDetails = new ProblemDetails
                        {
                            Status = StatusCodes.Status429TooManyRequests,
                            Title = "Too many requests",
                            Detail = $"Too many requests of this kind from you; nothing was changed. Try again in {seconds} seconds.",
                            Extensions = { [ProblemCodes.Extension] = RateLimits.Code, ["retryAfterSeconds"] = seconds },
                        },
                    });
                    return;
                }
                http.Response.Headers.RetryAfter = "1";
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Title = "Busy: try again in a moment",
                        Detail = "Too many requests of this kind are waiting on this instance; nothing was changed. Retry after a second.",
                        Extensions = { [ProblemCodes.Extension] = "server.busy" },
                    },
                });
            };
        });
}
