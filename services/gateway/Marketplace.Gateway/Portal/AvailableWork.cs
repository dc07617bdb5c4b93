using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Gateway.Portal;

/// <summary>
/// GET /api/portal/work: the crowd orders a worker can look at before claiming (title, instructions, labels, reward,
/// grade and what it takes to claim). No service offers workers such a list: orders lists only an organisation's own
/// orders, and a claim answers with the item but not the order's instructions. The gateway asks orders with a
/// short-lived operator token that never leaves this process and passes on only the fields meant for workers; whether
/// the worker may claim is still decided by tasks at the claim.
/// </summary>
public static class AvailableWork
{
    private static readonly string[] OpenStatuses = ["in_progress", "rework"];

    public sealed record WorkView(
        Guid Id, string Title, string Instructions, string TaskType, string[] Labels, bool MultiLabel, JsonElement Criteria,
        decimal WorkerReward, string Currency, DateTime Deadline, string DataGrade, bool PersonalInformation, string Industry,
        string[] RequiredQualifications, decimal? RequiredAccuracy, int SuiteSize, int? LeaseSeconds, string Status);

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
            .Produces<List<WorkView>>().ProducesProblem(StatusCodes.Status502BadGateway);
        return app;
    }

    private static async Task<IResult> Handle(IHttpClientFactory factory, TokenIssuer tokens, CancellationToken cancel)
    {
        var (token, _) = tokens.Issue(new Caller(Guid.Empty, Guid.Empty, Roles.Operator, "gateway (available work)"));
        var http = factory.CreateClient("orders");
        var work = new List<WorkView>();
        foreach (var status in OpenStatuses)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/orders?status={status}&limit=200");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancel);
            if (!response.IsSuccessStatusCode)
                return TypedResults.Problem(title: "Orders unavailable", detail: $"The orders service answered {(int)response.StatusCode}.",
                    statusCode: StatusCodes.Status502BadGateway);
            var page = await response.Content.ReadFromJsonAsync<List<JsonElement>>(cancel) ?? [];
            work.AddRange(page.Where(o => o.GetProperty("mode").GetString() == "crowd").Select(View));
        }
        return TypedResults.Ok(work.OrderBy(w => w.Deadline).ToList());
    }

    private static WorkView View(JsonElement o) => new(
        o.GetProperty("id").GetGuid(), o.GetProperty("title").GetString()!, o.GetProperty("instructions").GetString()!,
        o.GetProperty("taskType").GetString()!, Strings(o, "labels"), o.GetProperty("multiLabel").GetBoolean(),
        o.GetProperty("criteria").Clone(), o.GetProperty("workerReward").GetDecimal(), o.GetProperty("currency").GetString()!,
        o.GetProperty("deadline").GetDateTime(), o.GetProperty("dataGrade").GetString()!, o.GetProperty("personalInformation").GetBoolean(),
        o.GetProperty("industry").GetString()!, Strings(o, "requiredQualifications"),
        o.GetProperty("requiredAccuracy").ValueKind == JsonValueKind.Number ? o.GetProperty("requiredAccuracy").GetDecimal() : null,
        o.GetProperty("suiteSize").GetInt32(),
        o.GetProperty("leaseSeconds").ValueKind == JsonValueKind.Number ? o.GetProperty("leaseSeconds").GetInt32() : null,
        o.GetProperty("status").GetString()!);

    private static string[] Strings(JsonElement o, string name) =>
        o.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
