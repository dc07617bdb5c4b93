using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Every error answer carries a stable code a client can translate, from whichever service answered.</summary>
[TestFixture]
public class ProblemCodeTests
{
    [Test]
    public async Task Validation_problems_carry_a_code_for_the_answer_and_for_each_field()
    {
        using var anonymous = Api.Anonymous();
        var problem = await Api.ReadAsync(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register",
            new { email = "", password = "short", displayName = "X", role = "worker" }), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("code").GetString(), Does.StartWith("validation."));
        var codes = problem.GetProperty("errorCodes");
        Assert.That(codes.GetProperty("email")[0].GetString(), Is.EqualTo("validation.required"));
        Assert.That(codes.GetProperty("password")[0].GetString(), Is.EqualTo("validation.too_short"));
        Assert.That(problem.GetProperty("errorParams").GetProperty("password").GetProperty("minLength").GetInt32(), Is.EqualTo(10));
        Assert.That(problem.GetProperty("errors").GetProperty("password").GetArrayLength(), Is.GreaterThan(0), "the English messages stay");

        var malformed = await Api.ReadAsync(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/register", "{\"email\": 5"), HttpStatusCode.BadRequest);
        Assert.That(malformed.GetProperty("code").GetString(), Is.EqualTo("request.malformed"));
    }

    [Test]
    public async Task Access_not_found_and_conflicts_carry_codes_from_every_service()
    {
        using var anonymous = Api.Anonymous();
        var unauthenticated = await Api.ReadAsync(await anonymous.GetAsync("/api/orders/orders"), HttpStatusCode.Unauthorized);
        Assert.That(unauthenticated.GetProperty("code").GetString(), Is.EqualTo("auth.unauthenticated"));
        var signIn = await Api.ReadAsync(await Api.Send(anonymous, HttpMethod.Post, "/api/auth/token", new { email = "nobody@e2e.test", password = "wrong-password" }),
            HttpStatusCode.Unauthorized);
        Assert.That(signIn.GetProperty("code").GetString(), Is.EqualTo("auth.sign_in_failed"));

        var worker = await Api.SignUpAsync("worker", verified: false);
        var forbidden = await Api.ReadAsync(await worker.Http.GetAsync("/api/settlement/wallet"), HttpStatusCode.Forbidden);
        Assert.That(forbidden.GetProperty("code").GetString(), Is.EqualTo("auth.forbidden"));
        var enterprise = await Api.SignUpAsync("enterprise");
        var missing = await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/orders/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.That(missing.GetProperty("code").GetString(), Is.EqualTo("order.not_found"));
        var noAssignment = await Api.ReadAsync(await worker.Http.GetAsync($"/api/tasks/assignments/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.That(noAssignment.GetProperty("code").GetString(), Is.EqualTo("assignment.not_found"));

        var orderId = await Scenario.CreateOrderAsync(enterprise);
        var draft = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/rework/fund"), HttpStatusCode.Conflict);
        Assert.That(draft.GetProperty("code").GetString(), Does.StartWith("conflict"));
        var noKey = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 1.00m, currency = "CNY" }), HttpStatusCode.BadRequest);
        Assert.That(noKey.GetProperty("code").GetString(), Is.EqualTo("validation.required"));
        Assert.That(noKey.GetProperty("errorCodes").GetProperty("Idempotency-Key")[0].GetString(), Is.EqualTo("validation.required"));
    }
}
