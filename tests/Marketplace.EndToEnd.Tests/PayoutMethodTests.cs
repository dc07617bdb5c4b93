using System.Net;
using Dapper;
using Npgsql;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Where a worker is paid, the minimum payout, and a worker's own "pay me now".</summary>
public class PayoutMethodTests
{
    /// <summary>A change with the password given again (a step-up token), as the portal sends it.</summary>
    private static async Task<HttpResponseMessage> Put(Actor who, object body)
    {
        using var stepUp = await who.StepUpAsync();
        return await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/method", body);
    }

    [Test]
    public async Task Changing_the_payout_method_needs_the_password_again_and_tells_the_worker()
    {
        var worker = await Api.SignUpAsync("worker");
        await Scenario.PayoutMethodAsync(worker);
        var alipay = new { method = "alipay", account = "13800138000", holderName = "Li Lei" };

        // The sign-in token alone (what a thief would hold) cannot redirect the money.
        var plain = await Api.ReadAsync(await Api.Send(worker.Http, HttpMethod.Put, "/api/payouts/method", alipay), HttpStatusCode.Forbidden);
        Assert.That(plain.GetProperty("code").GetString(), Is.EqualTo("auth.reauth_required"));
        var wrong = await Api.ReadAsync(await worker.PostAsync("/api/auth/reauth", new { password = "not-the-password" }), HttpStatusCode.Forbidden);
        Assert.That(wrong.GetProperty("code").GetString(), Is.EqualTo("auth.wrong_password"));
        Assert.That((await worker.GetAsync("/api/payouts/method")).GetProperty("method").GetString(), Is.EqualTo("bank_card"), "nothing changed");

        using var stepUp = await worker.StepUpAsync();
        await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/method", alipay), HttpStatusCode.OK);
        Assert.That((await worker.GetAsync("/api/payouts/method")).GetProperty("method").GetString(), Is.EqualTo("alipay"));
        var told = (await NotificationTests.ArrivesAsync(worker, "payout_method.changed",
            p => p.GetProperty("method").GetString() == "alipay")).GetProperty("params");
        Assert.That(told.GetProperty("method").GetString(), Is.EqualTo("alipay"));
        Assert.That(told.GetProperty("maskedAccount").GetString(), Is.EqualTo("138****8000"));
    }

    [Test]
    public async Task The_card_number_is_not_in_the_database_in_clear_and_older_clear_rows_are_sealed()
    {
        var worker = await Api.SignUpAsync("worker");
        await Scenario.PayoutMethodAsync(worker, "6222 0212 3456 7890 128");
        await using var db = new NpgsqlConnection(Cluster.Database("payouts"));
        var row = await db.QuerySingleAsync<(string? Account, byte[] Sealed, string Masked)>(
            "SELECT account, account_sealed, masked FROM payout_methods WHERE worker_id = @UserId", new { worker.UserId });
        Assert.That(row.Account, Is.Null);
        Assert.That(row.Masked, Is.EqualTo("**** **** **** 0128"));
        var everything = await db.ExecuteScalarAsync<string>("SELECT t::text FROM payout_methods t WHERE worker_id = @UserId", new { worker.UserId });
        Assert.That(everything, Does.Not.Contain("6222021234567890128").And.Not.Contain("36323232"), "neither the digits nor their bytes");

        // A row an install from before stored in clear is sealed by the job, and still shown masked.
        var older = await Api.SignUpAsync("worker");
        await db.ExecuteAsync("""
            INSERT INTO payout_methods (worker_id, kind, account, masked, holder) VALUES (@UserId, 'bank_card', '4111111111111111', '**** **** **** 1111', 'Old')
            """, new { older.UserId });
        await Jobs.RunNowAsync("payouts", "seal-clear-accounts");
        var sealedRow = await db.QuerySingleAsync<(string? Account, byte[]? Sealed)>(
            "SELECT account, account_sealed FROM payout_methods WHERE worker_id = @UserId", new { older.UserId });
        Assert.That(sealedRow.Account, Is.Null);
        Assert.That(sealedRow.Sealed, Is.Not.Null.And.Not.Empty);
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM payout_methods WHERE account IS NOT NULL"), Is.Zero);
        Assert.That((await older.GetAsync("/api/payouts/method")).GetProperty("account").GetString(), Is.EqualTo("**** **** **** 1111"));
    }

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
