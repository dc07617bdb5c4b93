using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// What one client, person or organisation may do before it is slowed (429 with Retry-After, per client address for the
/// anonymous endpoints, per person or organisation for the others); answers that tell nobody whether an account or an ID
/// card exists; and the server's own refusals at the edge, each with a ProblemDetails.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class AbuseLimitTests
{
    private static async Task RateLimitedAsync(HttpResponseMessage response, string what)
    {
        var problem = await Api.ReadAsync(response, HttpStatusCode.TooManyRequests);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("request.rate_limited"), what);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), what);
        Assert.That(int.Parse(response.Headers.GetValues("Retry-After").Single()), Is.InRange(1, 60), what);
    }

    private static object Registration(string email) =>
        new { email, password = "e2e-password-1", displayName = "限流", role = "worker" };

    [Test]
    public async Task Registrations_and_sign_ins_from_one_client_are_limited_and_another_client_is_not()
    {
        using var client = Api.Anonymous();
        for (var i = 0; i < Cluster.RegistrationLimit; i++)
            await Api.ReadAsync(await client.PostAsJsonAsync("/api/auth/register", Registration($"flood-{Guid.NewGuid():N}@e2e.test")), HttpStatusCode.Created);
        var email = $"flood-{Guid.NewGuid():N}@e2e.test";
        await RateLimitedAsync(await client.PostAsJsonAsync("/api/auth/register", Registration(email)), "registration");
        // Refused before the endpoint: nothing was created.
        using var other = Api.Anonymous();
        Assert.That((await other.PostAsJsonAsync("/api/auth/token", new { email, password = "e2e-password-1" })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await Api.ReadAsync(await other.PostAsJsonAsync("/api/auth/register", Registration(email)), HttpStatusCode.Created);

        // Sign-ins from one client are counted whatever address they try (the per-address lockout comes on top).
        for (var i = 0; i < Cluster.SignInLimit; i++)
            Assert.That((await client.PostAsJsonAsync("/api/auth/token", new { email = $"guess-{i}-{Guid.NewGuid():N}@e2e.test", password = "guess-password" })).StatusCode,
                Is.EqualTo(HttpStatusCode.Unauthorized));
        await RateLimitedAsync(await client.PostAsJsonAsync("/api/auth/token", new { email, password = "e2e-password-1" }), "sign-in");
        await Api.SignInAsync(email, "e2e-password-1");
    }

    [Test]
    public async Task Identity_submissions_deposits_and_exports_are_limited_per_person_or_organisation()
    {
        var worker = await Api.SignUpAsync("worker", verified: false);
        for (var i = 0; i < Cluster.IdentitySubmissionLimit; i++)
            await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "限流", idNumber = Api.IdNumber() }), HttpStatusCode.OK);
        await RateLimitedAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "限流", idNumber = Api.IdNumber() }), "identity");

        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 1);
        var deposits = await Task.WhenAll(Enumerable.Range(0, Cluster.DepositLimit).Select(_ =>
            enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 1.00m, currency = "CNY" }, Guid.NewGuid().ToString())));
        Assert.That(deposits.Count(d => d.StatusCode == HttpStatusCode.TooManyRequests), Is.Zero, "every request within the limit is the endpoint's to answer");
        await RateLimitedAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 1.00m, currency = "CNY" }, Guid.NewGuid().ToString()), "deposit");

        for (var i = 0; i < Cluster.ExportLimit; i++)
            Assert.That((await enterprise.PostAsync($"/api/tasks/orders/{orderId}/exports", new { format = "jsonl" })).StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests));
        await RateLimitedAsync(await enterprise.PostAsync($"/api/tasks/orders/{orderId}/exports", new { format = "jsonl" }), "export");

        // Another person and organisation are not slowed by them.
        var colleague = await Api.SignUpAsync("worker");
        Assert.That((await colleague.GetAsync("/api/tasks/workers/me")).GetProperty("clearance").GetString(), Is.EqualTo("general"));
        var another = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await another.PostAsync("/api/settlement/wallet/deposits", new { amount = 1.00m, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Created);
    }

    [Test]
    public async Task Registering_a_taken_address_answers_as_a_new_one_creates_nothing_and_tells_the_owner()
    {
        var owner = await Api.SignUpAsync("vendor");
        using var anonymous = Api.Anonymous();
        var fresh = $"fresh-{Guid.NewGuid():N}@e2e.test";
        var created = await anonymous.PostAsJsonAsync("/api/auth/register", Registration(fresh));
        var taken = await anonymous.PostAsJsonAsync("/api/auth/register", Registration(owner.Email.ToUpperInvariant()));
        Assert.That(taken.StatusCode, Is.EqualTo(created.StatusCode).And.EqualTo(HttpStatusCode.Created));
        var createdBody = await Api.ReadAsync(created, HttpStatusCode.Created);
        var takenBody = await Api.ReadAsync(taken, HttpStatusCode.Created);
        Assert.That(takenBody.EnumerateObject().Select(p => p.Name), Is.EqualTo(createdBody.EnumerateObject().Select(p => p.Name)), "the same shape");
        Assert.That(takenBody.GetProperty("email").GetString(), Is.EqualTo(owner.Email));

        // The account is the owner's still: the registrant's password opens nothing; the owner's does.
        Assert.That((await anonymous.PostAsJsonAsync("/api/auth/token", new { email = owner.Email, password = "e2e-password-1x" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await owner.GetAsync("/api/auth/me")).GetProperty("role").GetString(), Is.EqualTo("vendor"));
        var notices = await owner.GetAsync("/api/notifications");
        Assert.That(notices.GetProperty("items").EnumerateArray().Count(n => n.GetProperty("kind").GetString() == "account.registration_attempted"), Is.EqualTo(1));
    }

    [Test]
    public async Task Addresses_with_invisible_or_direction_changing_characters_are_refused()
    {
        using var anonymous = Api.Anonymous();
        foreach (var invisible in new[] { "\u200b", "\u202e", "\u2066", "\ufeff" })
        {
            var response = await anonymous.PostAsJsonAsync("/api/auth/register", Registration($"ann{invisible}-{Guid.NewGuid():N}@e2e.test"));
            var problem = await Api.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errorCodes").GetProperty("email")[0].GetString(), Is.EqualTo("validation.invisible_character"), problem.ToString());
        }
        // Chinese addresses are addresses.
        await Api.ReadAsync(await anonymous.PostAsJsonAsync("/api/auth/register", Registration($"张伟{Guid.NewGuid():N}@例子.中国")), HttpStatusCode.Created);
    }

    [Test]
    public async Task The_review_list_pages_on_the_server_and_audits_only_what_it_returned()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 3);
        async Task<long> ViewsAsync() => (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/content-views")).GetProperty("total").GetInt64();
        var before = await ViewsAsync();

        var response = await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/assignments?page=2&pageSize=1");
        var page = await Api.ReadAsync(response, HttpStatusCode.OK);
        Assert.That(page.GetArrayLength(), Is.EqualTo(1));
        Assert.That(page[0].GetProperty("itemId").GetString(), Is.EqualTo("review-2"), "by item and slot");
        Assert.That(response.Headers.GetValues("X-Total-Count").Single(), Is.EqualTo("3"));
        Assert.That(await ViewsAsync(), Is.EqualTo(before + 1), "one row shown, one view audited");

        Assert.That((await enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments?status=submitted")).GetArrayLength(), Is.Zero);
        Assert.That(await ViewsAsync(), Is.EqualTo(before + 1), "nothing shown, nothing audited");
        foreach (var bad in new[] { "pageSize=501", "page=0", "status=lost", "appealStatus=maybe" })
            await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/assignments?{bad}"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task The_servers_own_refusals_carry_a_ProblemDetails()
    {
        using var anonymous = Api.Anonymous();
        async Task RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
        {
            var problem = await Api.ReadAsync(response, status);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), $"{status}");
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), problem.ToString());
        }

        await RefusedAsync(await anonymous.GetAsync($"/api/orders/orders?q={new string('a', 9_000)}"), HttpStatusCode.RequestUriTooLong, "request.uri_too_long");
        var headers = new HttpRequestMessage(HttpMethod.Get, "/api/orders/orders");
        headers.Headers.Add("X-Padding", new string('a', 40_000));
        await RefusedAsync(await anonymous.SendAsync(headers), HttpStatusCode.RequestHeaderFieldsTooLarge, "request.headers_too_large");
        // An anonymous endpoint sent the wrong type: 415, not 401; at the gateway and at a service behind it.
        await RefusedAsync(await anonymous.PostAsync("/api/auth/register", new StringContent("email=a@b.test", Encoding.UTF8, "application/x-www-form-urlencoded")),
            HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await RefusedAsync(await anonymous.PostAsync("/api/settlement/rail/pay-ins/callbacks", new StringContent("<xml/>", Encoding.UTF8, "text/xml")),
            HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");

        // A body larger than the gateway forwards: 413 from the gateway itself, not a 502 from a broken upstream.
        var enterprise = await Api.SignUpAsync("enterprise");
        var huge = new HttpRequestMessage(HttpMethod.Post, "/api/orders/orders")
        {
            Content = new ByteArrayContent(new byte[31 * 1024 * 1024]) { Headers = { ContentType = new("application/json") } },
        };
        huge.Headers.ExpectContinue = true;
        await RefusedAsync(await enterprise.Http.SendAsync(huge), HttpStatusCode.RequestEntityTooLarge, "request.too_large");

        // A null where an item belongs is the caller's mistake, named.
        var body = Scenario.OrderBodyWith(new { });
        body["items"] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)null);
        var problem = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain("items"), problem.ToString());
        Assert.That((await enterprise.GetAsync("/api/orders/orders")).GetArrayLength(), Is.Zero, "nothing was created");
    }
}
