using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// A vendor withdraws what its accepted contracts earned to its company bank account, through the payouts service's
/// payment rail (the fake bank): settlement books payable → bank when the bank pays, and the money is the vendor's again
/// when the bank declines. The bank's mode is the cluster's, so these tests run alone.
/// </summary>
[TestFixture, NonParallelizable]
public class VendorWithdrawalTests : FakeBankFixture
{
    private static async Task<(Actor Vendor, decimal Earned)> VendorWithEarningsAsync()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m);
        await ContractedMoney.DeliverAsync(order);
        await ContractedMoney.AcceptAsync(order);
        var earned = 15m - ContractedMoney.Fee(order);
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(order.Vendor) == earned, "the vendor was paid the contract");
        return (order.Vendor, earned);
    }

    /// <summary>Names the organisation's bank account, with the password again (a step-up token), as the portal does.</summary>
    internal static async Task SetAccountAsync(Actor organisation)
    {
        using var stepUp = await organisation.StepUpAsync();
        await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/vendor-account",
            new { bankName = "Bank of Jiangsu", accountNumber = "6222 0210 0109 8765 432", holderName = "Suzhou Labeling Co., Ltd." }), HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> WithdrawAsync(Actor vendor, object body, string? key) =>
        vendor.PostAsync("/api/settlement/vendor/withdrawals", body, key);

    private static async Task<JsonElement> WithdrawalAsync(Actor vendor, Guid id, string status)
    {
        JsonElement found = default;
        await Api.EventuallyAsync(async () =>
        {
            found = await vendor.GetAsync($"/api/settlement/vendor/withdrawals/{id}");
            return found.GetProperty("status").GetString() == status;
        }, $"withdrawal {id} is {status}");
        return found;
    }

    [Test]
    public async Task A_vendor_withdraws_through_the_bank_and_the_ledger_moves_when_the_bank_pays()
    {
        var (vendor, earned) = await VendorWithEarningsAsync();
        var refused = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 1.00m, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("conflict.no_payout_account"));

        await SetAccountAsync(vendor);
        var account = await vendor.GetAsync("/api/payouts/vendor-account");
        Assert.That(account.GetProperty("account").GetString(), Is.EqualTo("**** 5432"), "the number is shown masked");
        await Api.EventuallyAsync(async () =>
            (await vendor.GetAsync("/api/settlement/vendor/account")).GetProperty("payoutAccount").ValueKind == JsonValueKind.String,
            "settlement knows where the vendor withdraws to");

        var key = Guid.NewGuid().ToString();
        var first = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 5.00m, currency = "CNY" }, key), HttpStatusCode.Accepted);
        var replay = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 5.00m, currency = "CNY" }, key), HttpStatusCode.Accepted);
        Assert.That(replay.GetProperty("id").GetGuid(), Is.EqualTo(first.GetProperty("id").GetGuid()), "a replayed key withdraws once");
        var reused = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 6.00m, currency = "CNY" }, key), HttpStatusCode.UnprocessableEntity);
        Assert.That(reused.GetProperty("code").GetString(), Is.EqualTo("idempotency.key_reused"));

        var sent = await WithdrawalAsync(vendor, first.GetProperty("id").GetGuid(), "sent");
        var stranger = await Api.SignUpAsync("vendor");
        await Api.ReadAsync(await stranger.Http.GetAsync($"/api/settlement/vendor/withdrawals/{first.GetProperty("id").GetGuid()}"),
            HttpStatusCode.NotFound);
        Assert.That(sent.GetProperty("railReference").GetString(), Does.StartWith("FAKEBANK-"));
        var after = await vendor.GetAsync("/api/settlement/vendor/account");
        Assert.That(after.Money("balance"), Is.EqualTo(earned - 5.00m), "the ledger paid 5.00 out to the bank");
        Assert.That(after.Money("pending"), Is.Zero);
        Assert.That(after.Money("available"), Is.EqualTo(earned - 5.00m));
        var period = $"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}";
        var statement = await vendor.GetAsync($"/api/settlement/statements/vendor?{period}");
        Assert.That(statement.GetProperty("withdrawals").EnumerateArray().Select(w => w.Money("amount")), Is.EqualTo(new[] { 5.00m }),
            "the statement lists the withdrawal (the payable's debit)");
        var list = await vendor.GetAsync("/api/settlement/vendor/withdrawals?pageSize=10");
        Assert.That(list.GetProperty("total").GetInt64(), Is.EqualTo(1));

        var over = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = earned, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.UnprocessableEntity);
        Assert.That(over.GetProperty("code").GetString(), Is.EqualTo("withdrawal.insufficient_funds"));
        await ContractedMoney.AssertReconciledAsync();
    }

    [Test]
    public async Task A_declined_withdrawal_gives_the_vendor_its_money_back()
    {
        var (vendor, earned) = await VendorWithEarningsAsync();
        await SetAccountAsync(vendor);
        await Api.EventuallyAsync(async () =>
            (await vendor.GetAsync("/api/settlement/vendor/account")).GetProperty("payoutAccount").ValueKind == JsonValueKind.String,
            "settlement knows where the vendor withdraws to");
        await SetMode("decline");
        var w = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = earned, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Accepted);
        var held = await vendor.GetAsync("/api/settlement/vendor/account");
        Assert.That(held.Money("available"), Is.LessThan(earned), "the amount is held while the bank works");

        var failed = await WithdrawalAsync(vendor, w.GetProperty("id").GetGuid(), "failed");
        await NotificationTests.ArrivesAsync(vendor, "withdrawal.failed", p => p.GetProperty("withdrawalId").GetGuid() == w.GetProperty("id").GetGuid());
        Assert.That(failed.GetProperty("failureReason").GetString(), Does.Contain("Declined"));
        var after = await vendor.GetAsync("/api/settlement/vendor/account");
        Assert.That(after.Money("balance"), Is.EqualTo(earned));
        Assert.That(after.Money("available"), Is.EqualTo(earned), "the money is the vendor's again");
    }

    [TestCase("timeout")]
    [TestCase("duplicate-callback")]
    public async Task A_bank_that_does_not_answer_or_confirms_twice_pays_a_withdrawal_once(string mode)
    {
        var (vendor, earned) = await VendorWithEarningsAsync();
        await SetAccountAsync(vendor);
        await Api.EventuallyAsync(async () =>
            (await vendor.GetAsync("/api/settlement/vendor/account")).GetProperty("payoutAccount").ValueKind == JsonValueKind.String,
            "settlement knows where the vendor withdraws to");
        await SetMode(mode);
        var w = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 3.00m, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Accepted);
        // No answer: asked again with the same reference, which the bank answers as paid. Two callbacks: the first counts.
        await WithdrawalAsync(vendor, w.GetProperty("id").GetGuid(), "sent");
        JsonElement transfers = default;
        await Api.EventuallyAsync(async () =>
        {
            transfers = await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={vendor.OrgId}");
            return transfers.GetArrayLength() == 1 && (mode != "duplicate-callback" || transfers[0].GetProperty("callbacks").GetInt32() == 2);
        }, "the bank took the money once (and called back twice in duplicate-callback mode)");
        Assert.That(transfers[0].Money("amount"), Is.EqualTo(3.00m));
        await Api.EventuallyAsync(async () => (await vendor.GetAsync("/api/settlement/vendor/account")).Money("pending") == 0m, "the hold is gone");
        var after = await vendor.GetAsync("/api/settlement/vendor/account");
        Assert.That(after.Money("balance"), Is.EqualTo(earned - 3.00m), "booked once");
        await NotificationTests.ArrivesAsync(vendor, "withdrawal.sent", p => p.GetProperty("withdrawalId").GetGuid() == w.GetProperty("id").GetGuid());
    }

    [Test]
    public async Task Bad_withdrawals_are_refused_and_change_nothing()
    {
        var vendor = await Tender.VendorAsync();
        var other = await Tender.VendorAsync();
        var noKey = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 1.00m, currency = "CNY" }, null), HttpStatusCode.BadRequest);
        Assert.That(noKey.GetProperty("code").GetString(), Is.EqualTo("validation.required"));
        var fen = await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 1.001m, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.BadRequest);
        Assert.That(fen.GetProperty("errors").TryGetProperty("amount", out _), Is.True);
        await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = -1m, currency = "CNY" }, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await WithdrawAsync(vendor, new { amount = 1m, currency = "USD" }, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        await Api.ReadAsync(await WithdrawAsync(vendor, "{\"amount\": \"lots\"", Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        using var stepUp = await vendor.StepUpAsync();
        var badAccount = await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/vendor-account",
            new { bankName = "B", accountNumber = "12ab", holderName = "" }), HttpStatusCode.BadRequest);
        Assert.That(badAccount.GetProperty("errors").TryGetProperty("accountNumber", out _), Is.True);
        await Api.ReadAsync(await vendor.Http.GetAsync("/api/payouts/vendor-account"), HttpStatusCode.NotFound);
        await Api.ReadAsync(await vendor.Http.GetAsync("/api/settlement/vendor/withdrawals?pageSize=500"), HttpStatusCode.BadRequest);

        // Another vendor's withdrawal is not found; an enterprise cannot withdraw.
        await SetAccountAsync(other);
        var enterprise = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await WithdrawAsync(enterprise, new { amount = 1.00m, currency = "CNY" }, Guid.NewGuid().ToString()), HttpStatusCode.Forbidden);
        await Api.ReadAsync(await vendor.Http.GetAsync($"/api/settlement/vendor/withdrawals/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var account = await vendor.GetAsync("/api/settlement/vendor/account");
        Assert.That(account.Money("balance"), Is.Zero);
        Assert.That((await vendor.GetAsync("/api/settlement/vendor/withdrawals")).GetProperty("total").GetInt64(), Is.Zero);
    }
}
