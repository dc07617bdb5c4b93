using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Marketplace.Gateway.Routing;

/// <summary>
/// An instance that refuses the connection never saw the request, so sending it to another instance is safe whatever
/// the method. This covers the seconds between an instance stopping and passive health checks taking it out of rotation.
/// Any other failure (a timeout, a reset mid-request) may have been acted on and is answered as the proxy's 502/504.
/// </summary>
internal static class Failover
{
    public static async Task RetryRefusedConnectionsAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        while (true)
        {
            await next();
            if (context.Features.Get<IForwarderErrorFeature>() is not { Error: ForwarderError.Request } error
                || !NeverConnected(error.Exception)
                || context.Response.HasStarted
                || proxy.ProxiedDestination is not { } refused)
            {
                return;
            }
            candidates = candidates.Where(d => !ReferenceEquals(d, refused)).ToList();
            if (candidates.Count == 0) return;
            context.Features.Set<IForwarderErrorFeature?>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            proxy.AvailableDestinations = candidates;
            proxy.ProxiedDestination = null;
        }
    }

    private static bool NeverConnected(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }) return true;
        return false;
    }
}
