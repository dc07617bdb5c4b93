using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.ServiceDefaults.Auth;

namespace Marketplace.Gateway.Portal;

/// <summary>
/// GET /api/portal/work: the crowd orders a worker can look at before claiming (title, instructions, labels, reward,
/// grade and what it takes to claim). The gateway relays orders' worker feed
/// (<c>GET /orders/crowd-work</c>) with the worker's own token (the gateway mints no token for itself); whether the
/// worker may claim is still decided by tasks at the claim. The instructions of an order whose data needs more clearance
/// than the worker has (important grade, or personal information) are withheld (<c>instructionsWithheld</c>): the
/// worker's clearance is asked of tasks with the same token.
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
        var tasks = (builder.Configuration["Gateway:Services:tasks"] is { Length: > 0 } configuredTasks ? configuredTasks : "http://127.0.0.1:5083")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.AddHttpClient("tasks", http =>
        {
            http.BaseAddress = new Uri(tasks[Random.Shared.Next(tasks.Length)]);
            http.Timeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }

    public static WebApplication MapAvailableWork(this WebApplication app)
    {
        app.MapGet("/api/portal/work", Handle).RequireAuthorization(Roles.Worker).WithTags("Portal")
            .Produces<List<JsonObject>>().ProducesProblem(StatusCodes.Status502BadGateway);
        return app;
    }

    private static async Task<IResult> Handle(HttpContext http, IHttpClientFactory factory, CancellationToken cancel)
    {
        var token = AuthenticationHeaderValue.Parse(http.Request.Headers.Authorization.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/crowd-work") { Headers = { Authorization = token } };
        using var clearanceRequest = new HttpRequestMessage(HttpMethod.Get, "/workers/me/clearance") { Headers = { Authorization = token } };
        var feed = factory.CreateClient("orders").SendAsync(request, cancel);
        var clearance = factory.CreateClient("tasks").SendAsync(clearanceRequest, cancel);
        using var response = await feed;
        using var cleared = await clearance;
        if (!response.IsSuccessStatusCode || !cleared.IsSuccessStatusCode)
            return TypedResults.Problem(title: "Work unavailable",
                detail: $"The orders service answered {(int)response.StatusCode}, tasks {(int)cleared.StatusCode}.",
                statusCode: StatusCodes.Status502BadGateway);
        var rank = ClearanceRank((await cleared.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("clearance").GetString());
        var orders = await response.Content.ReadFromJsonAsync<List<JsonObject>>(cancel) ?? [];
        foreach (var order in orders)
        {
            var withheld = RequiredRank(order["dataGrade"]?.GetValue<string>(), order["personalInformation"]?.GetValue<bool>() ?? false) > rank;
            if (withheld) order["instructions"] = "";
            order["instructionsWithheld"] = withheld;
        }
        return TypedResults.Ok(orders);
    }

    // As tasks ranks them (Domain/Clearance.cs): the claim decides with the same rules.
    private static int ClearanceRank(string? clearance) => clearance switch { "general" => 1, "important" => 2, _ => 0 };

    private static int RequiredRank(string? dataGrade, bool personalInformation) => dataGrade switch
    {
        "core" => 3,
        "important" => 2,
        _ => personalInformation ? 2 : 1,
    };
}
