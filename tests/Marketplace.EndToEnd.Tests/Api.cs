using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>A signed-in person talking to the gateway over real HTTP.</summary>
public sealed record Actor(HttpClient Http, Guid UserId, Guid OrgId, string Role, string Email);

public static class Api
{
    /// <summary>A new client, speaking for an address of its own (see <see cref="Cluster.ClientAddress"/>).</summary>
    public static HttpClient Anonymous(string? address = null)
    {
        var http = new HttpClient { BaseAddress = Cluster.Gateway, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add(Cluster.ForwardedFor, address ?? Cluster.ClientAddress());
        return http;
    }

    /// <summary>A new account. A worker's identity is verified through the real operator endpoint (general-grade
    /// clearance, which every crowd order needs) unless <paramref name="verified"/> is false.</summary>
    public static async Task<Actor> SignUpAsync(string role, string? organisation = null, bool verified = true)
    {
        var email = $"{role}-{Guid.NewGuid():N}@e2e.test";
        using var anonymous = Anonymous();
        var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new
        {
            email, password = "e2e-password-1", displayName = $"E2E {role}", role,
            organisationName = organisation ?? $"E2E {role} organisation {Guid.NewGuid():N}"[..40],
        });
        await ReadAsync(registered, HttpStatusCode.Created);
        var actor = await SignInAsync(email, "e2e-password-1");
        if (role == "worker" && verified) await VerifyIdentityAsync(actor);
        return actor;
    }

    public static Task<Actor> OperatorAsync() => SignInAsync(Cluster.OperatorEmail, Cluster.OperatorPassword);

    private static readonly Lazy<Task<Actor>> Reviewer = new(OperatorAsync);

    /// <summary>The worker submits identity details and an operator verifies them.</summary>
    public static async Task VerifyIdentityAsync(Actor worker)
    {
        await ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "E2E Worker", idNumber = IdNumber() }), HttpStatusCode.OK);
        var reviewer = await Reviewer.Value;
        await ReadAsync(await reviewer.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }), HttpStatusCode.OK);
    }

    /// <summary>A random, well-formed resident ID number (GB 11643): region, birth date, sequence, check character.</summary>
    public static string IdNumber()
    {
        var born = new DateOnly(1960, 1, 1).AddDays(Random.Shared.Next(0, 16_000));
        var first17 = $"{Random.Shared.Next(110_000, 660_000)}{born:yyyyMMdd}{Random.Shared.Next(0, 1000):000}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    public static async Task<Actor> SignInAsync(string email, string password)
    {
        using var anonymous = Anonymous();
        var token = await ReadAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password }), HttpStatusCode.OK);
        var http = Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return new Actor(http, token.GetProperty("userId").GetGuid(), token.GetProperty("organisationId").GetGuid(),
            token.GetProperty("role").GetString()!, email);
    }

    /// <summary>The password again (POST /api/auth/reauth): a client carrying the short-lived step-up token it answers.</summary>
    public static async Task<HttpClient> StepUpAsync(this Actor actor, string password = "e2e-password-1")
    {
        var token = await ReadAsync(await actor.PostAsync("/api/auth/reauth", new { password }), HttpStatusCode.OK);
        var http = Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return http;
    }

    public static Task<HttpResponseMessage> PostAsync(this Actor actor, string path, object? body = null, string? idempotencyKey = null) =>
        Send(actor.Http, HttpMethod.Post, path, body, idempotencyKey);

    public static Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return http.SendAsync(request);
    }

    public static async Task<JsonElement> GetAsync(this Actor actor, string path) =>
        await ReadAsync(await actor.Http.GetAsync(path), HttpStatusCode.OK);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            Assert.That(response.StatusCode, Is.EqualTo(expected),
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}"
                + ((int)response.StatusCode >= 500 ? Cluster.ErrorsLoggedFor(text) : ""));
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls until the condition holds: messages and jobs take their time, tests must not guess how long.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}");
            await Task.Delay(200);
        }
    }

    public static decimal Money(this JsonElement element, string property) => element.GetProperty(property).GetDecimal();
}

/// <summary>Steps many tests share: a funded enterprise, an order that reached the crowd.</summary>
public static class Scenario
{
    /// <summary>What the order's escrow holds now, read by an operator from the ledger (0 before it exists).</summary>
    public static async Task<decimal> EscrowAsync(Guid orderId)
    {
        var op = await Api.OperatorAsync();
        var accounts = await op.GetAsync($"/api/settlement/accounts?kind=escrow&ownerId={orderId}");
        return accounts.GetArrayLength() == 0 ? 0m : -accounts[0].Money("balance");
    }

    public static readonly string[] Reviews =
    [
        "The battery easily lasts two days and it charges fast.",
        "Stopped working after a week; the seller never answered.",
        "Exactly as described and it arrived a day early.",
        "The screen scratches far too easily for the price.",
    ];

    /// <summary>A deposit the (fake) bank confirms: answers it once the wallet is credited.</summary>
    public static async Task<JsonElement> DepositAsync(Actor enterprise, decimal amount)
    {
        var deposit = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount, currency = "CNY" },
            Guid.NewGuid().ToString()), HttpStatusCode.Created);
        return await DepositSettledAsync(enterprise, deposit.GetProperty("id").GetGuid());
    }

    /// <summary>The deposit once the bank has answered (credited or failed).</summary>
    public static async Task<JsonElement> DepositSettledAsync(Actor actor, Guid depositId)
    {
        JsonElement deposit = default;
        await Api.EventuallyAsync(async () =>
        {
            deposit = await actor.GetAsync($"/api/settlement/wallet/deposits/{depositId}");
            return deposit.GetProperty("status").GetString() != "pending";
        }, $"the bank answers deposit {depositId}");
        return deposit;
    }

    /// <summary>The worker gives a bank card to be paid to (a test number that passes the Luhn check), with the password again.</summary>
    public static async Task<JsonElement> PayoutMethodAsync(Actor worker, string account = "4111 1111 1111 1111")
    {
        using var stepUp = await worker.StepUpAsync();
        return await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/method",
            new { method = "bank_card", account, holderName = "E2E Worker" }), HttpStatusCode.OK);
    }

    public static object OrderBody(int items = 3, decimal unitPrice = 1.20m, string title = "Product review sentiment") => new
    {
        title,
        instructions = "Choose the sentiment the reviewer expresses.",
        taskType = "text-classification",
        labels = new[] { "positive", "negative" },
        items = Enumerable.Range(0, items).Select(i => new { id = $"review-{i + 1}", content = Reviews[i % Reviews.Length] }).ToArray(),
        unitPrice,
        currency = "CNY",
        deadline = DateTimeOffset.UtcNow.AddDays(7),
    };

    public static async Task<Guid> CreateOrderAsync(Actor enterprise, int items = 3, decimal unitPrice = 1.20m)
    {
        var order = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", OrderBody(items, unitPrice)), HttpStatusCode.Created);
        return order.GetProperty("id").GetGuid();
    }

    public static async Task<Guid> PublishedOrderAsync(Actor enterprise, int items = 3, decimal unitPrice = 1.20m)
    {
        var id = await CreateOrderAsync(enterprise, items, unitPrice);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{id}/publish"), HttpStatusCode.Accepted);
        await WaitForStatusAsync(enterprise, id, "in_progress");
        await Api.EventuallyAsync(async () => await AssignmentCountAsync(enterprise, id) == items, $"tasks split order {id}");
        return id;
    }

    /// <summary>The standard order body with <paramref name="settings"/> (e.g. new { suiteSize = 4 }) merged over it.</summary>
    public static System.Text.Json.Nodes.JsonObject OrderBodyWith(object settings, int items = 3, decimal unitPrice = 1.20m)
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(OrderBody(items, unitPrice), web))!.AsObject();
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(settings, web))!.AsObject())
            body[name] = value?.DeepClone();
        return body;
    }

    /// <summary>A published, split order whose body has <paramref name="settings"/> merged in (see <see cref="OrderBodyWith"/>).</summary>
    public static async Task<Guid> PublishedOrderWithAsync(Actor enterprise, object settings, int items = 3, decimal unitPrice = 1.20m)
    {
        var body = OrderBodyWith(settings, items, unitPrice);
        var id = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{id}/publish"), HttpStatusCode.Accepted);
        await WaitForStatusAsync(enterprise, id, "in_progress");
        var overlap = body["overlap"]?.GetValue<int>() ?? 1;
        await Api.EventuallyAsync(async () => await AssignmentCountAsync(enterprise, id) == items * overlap, $"tasks split order {id}");
        return id;
    }

    public static async Task WaitForStatusAsync(Actor enterprise, Guid orderId, string status, TimeSpan? timeout = null)
    {
        string? last = null;
        await Api.EventuallyAsync(async () =>
        {
            last = (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString();
            return last == status;
        }, $"order {orderId} is {status} (last seen {last})", timeout);
    }

    /// <summary>How many slots the order has (the progress summary: polling it shows no content, so it audits nothing).</summary>
    public static async Task<int> AssignmentCountAsync(Actor enterprise, Guid orderId)
    {
        var response = await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/progress");
        if (response.StatusCode == HttpStatusCode.NotFound) return 0;
        return (int)(await Api.ReadAsync(response, HttpStatusCode.OK)).GetProperty("totalAssignments").GetInt64();
    }
}
