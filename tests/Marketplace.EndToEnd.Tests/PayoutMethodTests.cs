using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Where a worker is paid, the minimum payout, and a worker's own "pay me now".</summary>
public class PayoutMethodTests
{
    private static Task<HttpResponseMessage> Put(Actor who, object body) => Api.Send(who.Http, HttpMethod.Put, "/api/payouts/method", body);

    [Test]
    public async Task A_worker_sets_a_bank_card_or_an_Alipay_account_and_sees_it_masked()
    {
        var worker = await Api.SignUpAsync("worker");
        Assert.That((await worker.Http.GetAsync("/api/payouts/method")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "none yet");

        var card = await Scenario.PayoutMethodAsync(worker, "6222 0212 3456 7890 128");
        Assert.That(card.GetProperty("account").GetString(), Is.EqualTo("**** **** **** 0128"));
        var shown = await worker.GetAsync("/api/payouts/method");
        Assert.That(shown.GetProperty("method").GetString(), Is.EqualTo("bank_card"));
        Assert.That(shown.ToString(), Does.Not.Contain("62220212"), "the full number is never shown back");

        var alipay = await Api.ReadAsync(await Put(worker, new { method = "alipay", account = "13800138000", holderName = "Li Lei" }), HttpStatusCode.OK);
        Assert.That(alipay.GetProperty("account").GetString(), Is.EqualTo("138****8000"));
        Assert.That((await worker.GetAsync("/api/payouts/method")).GetProperty("method").GetString(), Is.EqualTo("alipay"));
    }

    [TestCase("bank_card", "4111111111111112", "account")]
    [TestCase("bank_card", "41111111", "account")]
    [TestCase("alipay", "12800138000", "account")]
    [TestCase("alipay", "someone@", "account")]
    [TestCase("paypal", "someone@example.com", "method")]
    public async Task A_payout_method_of_the_wrong_shape_is_refused_naming_the_field_and_nothing_changes(string method, string account, string field)
    {
        var worker = await Api.SignUpAsync("worker");
        await Scenario.PayoutMethodAsync(worker);
        var problem = await Api.ReadAsync(await Put(worker, new { method, account, holderName = "Li Lei" }), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        Assert.That((await worker.GetAsync("/api/payouts/method")).GetProperty("account").GetString(), Is.EqualTo("**** **** **** 1111"));
    }

    [Test]
    public async Task Only_a_worker_has_a_payout_method()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        Assert.That((await Put(enterprise, new { method = "alipay", account = "13800138000", holderName = "X" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_worker_without_a_payout_method_or_below_the_minimum_cannot_ask_to_be_paid()
    {
        var worker = await Api.SignUpAsync("worker");
        var noKey = await worker.PostAsync("/api/payouts/payout-batches/me");
        Assert.That(noKey.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "it moves money: it needs an Idempotency-Key");
        await Api.ReadAsync(await worker.PostAsync("/api/payouts/payout-batches/me", null, Guid.NewGuid().ToString()), HttpStatusCode.Conflict);
        await Scenario.PayoutMethodAsync(worker);
        var below = await Api.ReadAsync(await worker.PostAsync("/api/payouts/payout-batches/me", null, Guid.NewGuid().ToString()), HttpStatusCode.Conflict);
        Assert.That(below.GetProperty("detail").GetString(), Does.Contain("minimum"));
        var enterprise = await Api.SignUpAsync("enterprise");
        Assert.That((await enterprise.PostAsync("/api/payouts/payout-batches/me", null, Guid.NewGuid().ToString())).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
