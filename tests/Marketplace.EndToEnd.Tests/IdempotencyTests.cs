using System.Net;

namespace Marketplace.EndToEnd.Tests;

[TestFixture]
public class IdempotencyTests
{
    [Test]
    public async Task A_replayed_deposit_answers_the_first_result_and_moves_money_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var key = Guid.NewGuid().ToString();
        var first = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 25.50m, currency = "CNY" }, key),
            HttpStatusCode.Created);
        var again = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 25.50m, currency = "CNY" }, key),
            HttpStatusCode.Created);

        Assert.That(again.GetProperty("id").GetGuid(), Is.EqualTo(first.GetProperty("id").GetGuid()), "one deposit");
        await Scenario.DepositSettledAsync(enterprise, first.GetProperty("id").GetGuid());
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(25.50m));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet/deposits")).GetProperty("total").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_same_key_with_a_different_body_answers_422_and_moves_nothing()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var key = Guid.NewGuid().ToString();
        var first = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 10.00m, currency = "CNY" }, key),
            HttpStatusCode.Created);
        var response = await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 99.00m, currency = "CNY" }, key);
        await Scenario.DepositSettledAsync(enterprise, first.GetProperty("id").GetGuid());

        var problem = await Api.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("Idempotency-Key"));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(10.00m));
    }

    [Test]
    public async Task A_deposit_without_a_key_is_refused()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var problem = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 10.00m, currency = "CNY" }),
            HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), Is.True);
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(0m));
    }
}
