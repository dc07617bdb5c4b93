using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.ServiceDefaults.Auth;

namespace Marketplace.Gateway.Portal;

/// <summary>
/// GET /api/portal/work: the crowd orders a worker can look at before claiming (title, instructions, labels, reward,
/// grade and what it takes to claim). The gateway relays orders' worker feed
/// (<c>GET /orders/crowd-work</c>) with the worker's own token (the gateway mints no token for itself); whether the
/// worker may claim is still decided by tasks at the claim.
/// </summary>
public static class AvailableWork
{
    public static WebApplicationBuilder AddAvailableWork(this WebApplicationBuilder builder)
    {
        var orders = (builder.Configuration["Gateway:Services:orders"] is { Length: > 0 } configured ? configured : "http://127.0.0.1:5081")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.AddHttpClient("orders", http =>
        {
            http.BaseAddress = new Uri(orders[Random.Shared.Next(orders.Length)]);
            http.Timeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }

    public static WebApplication MapAvailableWork(this WebApplication app)
    {
        app.MapGet("/api/portal/work", Handle).RequireAuthorization(Roles.Worker).WithTags("Portal")
            .Produces<List<JsonElement>>().ProducesProblem(StatusCodes.Status502BadGateway);
        return app;
    }

    private static async Task<IResult> Handle(HttpContext http, IHttpClientFactory factory, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/crowd-work");
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(http.Request.Headers.Authorization.ToString());
        using var response = await factory.CreateClient("orders").SendAsync(request, cancel);
        if (!response.IsSuccessStatusCode)
            return TypedResults.Problem(title: "Orders unavailable", detail: $"The orders service answered {(int)response.StatusCode}.",
                statusCode: StatusCodes.Status502BadGateway);
        return TypedResults.Ok(await response.Content.ReadFromJsonAsync<List<JsonElement>>(cancel) ?? []);
    }
}
