using System.Net;
using System.Text.Json;
using Marketplace.EndToEnd.Tests.Bidding;
using Marketplace.EndToEnd.Tests.Organisations;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// An enterprise takes unspent wallet money back to its own bank account through the payment rail (the vendors' path):
/// with the password again, held at once, booked wallet → bank once when the bank pays, given back when it declines.
/// The payouts bank's mode is the cluster's, so these tests run alone.
/// </summary>
[TestFixture, NonParallelizable]
public class WalletWithdrawalTests : FakeBankFixture
{
    internal static async Task<HttpResponseMessage> WithdrawAsync(Actor enterprise, object body, string? key = null, HttpClient? stepUp = null)
    {
        if (stepUp is not null) return await Api.Send(stepUp, HttpMethod.Post, "/api/settlement/wallet/withdrawals", body, key ?? Guid.NewGuid().ToString());
        using var fresh = await enterprise.StepUpAsync();
        return await Api.Send(fresh, HttpMethod.Post, "/api/settlement/wallet/withdrawals", body, key ?? Guid.NewGuid().ToString());
    }

    private static object Cny(decimal amount) => new { amount, currency = "CNY" };

    /// <summary>An enterprise with <paramref name="deposit"/> in its wallet and a bank account settlement knows about.</summary>
    private static async Task<Actor> FundedEnterpriseAsync(decimal deposit)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, deposit);
        await VendorWithdrawalTests.SetAccountAsync(enterprise);
        // Settlement learns the account by a message: until then a withdrawal has nowhere to go (409).
        await Api.EventuallyAsync(async () =>
        {
            var probe = await WithdrawAsync(enterprise, Cny(deposit + 1_000m));
            return probe.StatusCode == HttpStatusCode.UnprocessableEntity;
        }, "settlement knows where the enterprise withdraws to");
        return enterprise;
    }

    private static async Task<JsonElement> WithdrawalAsync(Actor enterprise, Guid id, string status)
    {
        JsonElement found = default;
        await Api.EventuallyAsync(async () =>
        {
            found = await enterprise.GetAsync($"/api/settlement/wallet/withdrawals/{id}");
            return found.GetProperty("status").GetString() == status;
        }, $"withdrawal {id} is {status}");
        return found;
    }

    private static async Task<JsonElement> WalletAsync(Actor enterprise) => await enterprise.GetAsync("/api/settlement/wallet");

    [Test]
    public async Task An_enterprise_withdraws_unspent_money_with_its_password_and_the_ledger_books_wallet_to_bank_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 100.00m);
        var none = await Api.ReadAsync(await WithdrawAsync(enterprise, Cny(1.00m)), HttpStatusCode.Conflict);
        Assert.That(none.GetProperty("code").GetString(), Is.EqualTo("conflict.no_payout_account"));
        await VendorWithdrawalTests.SetAccountAsync(enterprise);
        var account = await enterprise.GetAsync("/api/payouts/vendor-account");
        Assert.That(account.GetProperty("account").GetString(), Is.EqualTo("**** 5432"), "shown masked");
        await NotificationTests.ArrivesAsync(enterprise, "payout_account.changed", p => p.GetProperty("account").GetString() == "Bank of Jiangsu **** 5432");

        using var stepUp = await enterprise.StepUpAsync();
        var key = Guid.NewGuid().ToString();
        JsonElement first = default;
        await Api.EventuallyAsync(async () =>
        {
            var response = await WithdrawAsync(enterprise, Cny(35.50m), key, stepUp);
            if (response.StatusCode == HttpStatusCode.Conflict) return false; // settlement has not heard of the account yet
            first = await Api.ReadAsync(response, HttpStatusCode.Accepted);
            return true;
        }, "the withdrawal is accepted");
        var id = first.GetProperty("id").GetGuid();
        var replay = await Api.ReadAsync(await WithdrawAsync(enterprise, Cny(35.50m), key, stepUp), HttpStatusCode.Accepted);
        Assert.That(replay.GetProperty("id").GetGuid(), Is.EqualTo(id), "a replayed key withdraws once");
        // 100.00 - 35.50: held at once, then paid; never spendable twice.
        Assert.That((await WalletAsync(enterprise)).Money("available"), Is.EqualTo(64.50m));

        var sent = await WithdrawalAsync(enterprise, id, "sent");
        Assert.That(sent.GetProperty("railReference").GetString(), Does.StartWith("FAKEBANK-"));
        Assert.That(sent.GetProperty("destination").GetString(), Is.EqualTo("Bank of Jiangsu **** 5432"));
        var wallet = await WalletAsync(enterprise);
        Assert.That((wallet.Money("available"), wallet.Money("withdrawing"), wallet.Money("reserved")), Is.EqualTo((64.50m, 0m, 0m)));
        await NotificationTests.ArrivesAsync(enterprise, "withdrawal.sent", p => p.GetProperty("withdrawalId").GetGuid() == id && p.Money("amount") == 35.50m);
        var transfers = await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={enterprise.OrgId}");
        Assert.That(transfers.EnumerateArray().Select(t => t.Money("amount")), Is.EqualTo(new[] { 35.50m }), "the bank paid once");
        var list = await enterprise.GetAsync("/api/settlement/wallet/withdrawals?pageSize=10");
        Assert.That((list.GetProperty("total").GetInt64(), list.GetProperty("items")[0].GetProperty("id").GetGuid()), Is.EqualTo((1L, id)));

        var over = await Api.ReadAsync(await WithdrawAsync(enterprise, Cny(64.51m), stepUp: stepUp), HttpStatusCode.UnprocessableEntity);
        Assert.That(over.GetProperty("code").GetString(), Is.EqualTo("withdrawal.insufficient_funds"));
        await ContractedMoney.AssertReconciledAsync();
    }

    [Test]
    public async Task A_declined_withdrawal_gives_the_money_back_and_tells_the_enterprise()
    {
        var enterprise = await FundedEnterpriseAsync(20.00m);
        await SetMode("decline");
        var w = await Api.ReadAsync(await WithdrawAsync(enterprise, Cny(20.00m)), HttpStatusCode.Accepted);
        var id = w.GetProperty("id").GetGuid();
        var failed = await WithdrawalAsync(enterprise, id, "failed");
        Assert.That(failed.GetProperty("failureReason").GetString(), Does.Contain("Declined"));
        await NotificationTests.ArrivesAsync(enterprise, "withdrawal.failed", p => p.GetProperty("withdrawalId").GetGuid() == id);
        var wallet = await WalletAsync(enterprise);
        Assert.That((wallet.Money("available"), wallet.Money("withdrawing")), Is.EqualTo((20.00m, 0m)), "the hold is released");
    }

    [TestCase("timeout")]
    [TestCase("duplicate-callback")]
    public async Task A_bank_that_does_not_answer_or_confirms_twice_pays_a_wallet_withdrawal_once(string mode)
    {
        var enterprise = await FundedEnterpriseAsync(10.00m);
        await SetMode(mode);
        var w = await Api.ReadAsync(await WithdrawAsync(enterprise, Cny(3.00m)), HttpStatusCode.Accepted);
        await WithdrawalAsync(enterprise, w.GetProperty("id").GetGuid(), "sent");
        JsonElement transfers = default;
        await Api.EventuallyAsync(async () =>
        {
            transfers = await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={enterprise.OrgId}");
            return transfers.GetArrayLength() == 1 && (mode != "duplicate-callback" || transfers[0].GetProperty("callbacks").GetInt32() == 2);
        }, "the bank took the money once");
        Assert.That(transfers[0].Money("amount"), Is.EqualTo(3.00m));
        await Api.EventuallyAsync(async () => (await WalletAsync(enterprise)).Money("withdrawing") == 0m, "the hold is gone");
        Assert.That((await WalletAsync(enterprise)).Money("available"), Is.EqualTo(7.00m), "10.00 - 3.00, booked once");
    }

    [Test]
    public async Task Held_money_cannot_be_spent_twice_by_a_racing_withdrawal_or_an_order()
    {
        var enterprise = await FundedEnterpriseAsync(10.00m);
        using var stepUp = await enterprise.StepUpAsync();
        // Two withdrawals of 6.00 from 10.00 at once: one is held, the other refused.
        var racing = await Task.WhenAll(WithdrawAsync(enterprise, Cny(6.00m), stepUp: stepUp), WithdrawAsync(enterprise, Cny(6.00m), stepUp: stepUp));
        Assert.That(racing.Select(r => r.StatusCode).Order(), Is.EqualTo(new[] { HttpStatusCode.Accepted, HttpStatusCode.UnprocessableEntity }));
        Assert.That((await WalletAsync(enterprise)).Money("available"), Is.EqualTo(4.00m));

        // What is left (4.00) against an order's budget (3 items x 1.20 = 3.60) and a withdrawal of all of it, at once:
        // either fits alone, not both. Whichever holds the money first has it.
        var order = await Scenario.CreateOrderAsync(enterprise, items: 3, unitPrice: 1.20m);
        var (published, withdrawing) = (enterprise.PostAsync($"/api/orders/orders/{order}/publish"), WithdrawAsync(enterprise, Cny(4.00m), stepUp: stepUp));
        await Api.ReadAsync(await published, HttpStatusCode.Accepted);
        var withdrawn = (await withdrawing).StatusCode;
        Assert.That(withdrawn, Is.AnyOf(HttpStatusCode.Accepted, HttpStatusCode.UnprocessableEntity));
        await Scenario.WaitForStatusAsync(enterprise, order, withdrawn == HttpStatusCode.Accepted ? "funding_failed" : "in_progress");
        await Api.EventuallyAsync(async () => (await WalletAsync(enterprise)).Money("withdrawing") == 0m, "the bank answered");
        var wallet = await WalletAsync(enterprise);
        Assert.That(wallet.Money("available"), Is.EqualTo(withdrawn == HttpStatusCode.Accepted ? 0m : 0.40m));
        Assert.That(wallet.Money("reserved") + wallet.Money("inEscrow"), Is.EqualTo(withdrawn == HttpStatusCode.Accepted ? 0m : 3.60m));
        var transfers = await Operator.GetAsync($"/api/payouts/fake-bank/transfers?workerId={enterprise.OrgId}");
        Assert.That(transfers.EnumerateArray().Select(t => t.Money("amount")).Sum(), Is.EqualTo(withdrawn == HttpStatusCode.Accepted ? 10.00m : 6.00m),
            "the bank paid only what was held");
    }

    [Test]
    public async Task Bad_withdrawals_are_refused_and_change_nothing()
    {
        var enterprise = await FundedEnterpriseAsync(5.00m);
        using var stepUp = await enterprise.StepUpAsync();
        async Task<JsonElement> Refused(object body, HttpStatusCode status, string? key = "fresh") =>
            await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Post, "/api/settlement/wallet/withdrawals", body,
                key == "fresh" ? Guid.NewGuid().ToString() : key), status);

        foreach (var amount in new[] { 0m, -1.00m, 1.001m })
            Assert.That((await Refused(Cny(amount), HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("amount", out _), Is.True, $"{amount}");
        Assert.That((await Refused(Cny(5.01m), HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString(), Is.EqualTo("withdrawal.insufficient_funds"));
        await Refused(new { amount = 1m, currency = "USD" }, HttpStatusCode.BadRequest);
        await Refused("{\"amount\": \"lots\"", HttpStatusCode.BadRequest);
        Assert.That((await Refused(Cny(1.00m), HttpStatusCode.BadRequest, key: null)).GetProperty("code").GetString(), Is.EqualTo("validation.required"));
        var key = Guid.NewGuid().ToString();
        var once = await Api.ReadAsync(await WithdrawAsync(enterprise, Cny(1.00m), key, stepUp), HttpStatusCode.Accepted);
        Assert.That((await Refused(Cny(2.00m), HttpStatusCode.UnprocessableEntity, key)).GetProperty("code").GetString(), Is.EqualTo("idempotency.key_reused"));

        // Without the password again; by a member who may not move money; by a vendor; for another organisation.
        var noStepUp = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/withdrawals", Cny(1.00m), Guid.NewGuid().ToString()),
            HttpStatusCode.Forbidden);
        Assert.That(noStepUp.GetProperty("code").GetString(), Is.EqualTo("auth.reauth_required"));
        var reviewer = await Team.MemberAsync(enterprise, "reviewer");
        using (var reviewerStepUp = await reviewer.StepUpAsync())
            await Api.ReadAsync(await Api.Send(reviewerStepUp, HttpMethod.Post, "/api/settlement/wallet/withdrawals", Cny(1.00m), Guid.NewGuid().ToString()),
                HttpStatusCode.Forbidden);
        var vendor = await Api.SignUpAsync("vendor");
        await Api.ReadAsync(await WithdrawAsync(vendor, Cny(1.00m)), HttpStatusCode.Forbidden);
        var other = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await other.Http.GetAsync($"/api/settlement/wallet/withdrawals/{once.GetProperty("id").GetGuid()}"), HttpStatusCode.NotFound);
        Assert.That((await other.GetAsync("/api/settlement/wallet/withdrawals")).GetProperty("total").GetInt64(), Is.Zero);
        await Api.ReadAsync(await enterprise.Http.GetAsync("/api/settlement/wallet/withdrawals?pageSize=500"), HttpStatusCode.BadRequest);

        // Only the one good withdrawal happened: 5.00 - 1.00.
        await Api.EventuallyAsync(async () => (await WalletAsync(enterprise)).Money("withdrawing") == 0m, "the bank answered");
        Assert.That((await WalletAsync(enterprise)).Money("available"), Is.EqualTo(4.00m));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet/withdrawals")).GetProperty("total").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Changing_an_organisations_bank_account_needs_the_password_and_tells_its_owners()
    {
        var vendor = await Api.SignUpAsync("vendor");
        var body = new { bankName = "Bank of Jiangsu", accountNumber = "6222 0210 0109 8765 432", holderName = "Suzhou Labeling Co., Ltd." };
        var refused = await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Put, "/api/payouts/vendor-account", body), HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("auth.reauth_required"));
        await Api.ReadAsync(await vendor.Http.GetAsync("/api/payouts/vendor-account"), HttpStatusCode.NotFound);
        var finance = await Team.MemberAsync(vendor, "finance");
        using (var stepUp = await finance.StepUpAsync())
            await Api.ReadAsync(await Api.Send(stepUp, HttpMethod.Put, "/api/payouts/vendor-account", body), HttpStatusCode.OK);
        var told = await NotificationTests.ArrivesAsync(vendor, "payout_account.changed");
        Assert.That((told.GetProperty("params").GetProperty("account").GetString(), told.GetProperty("params").GetProperty("holderName").GetString()),
            Is.EqualTo(("Bank of Jiangsu **** 5432", "Suzhou Labeling Co., Ltd.")));
        Assert.That(await NotificationTests.NotificationsAsync(finance, "payout_account.changed"), Is.Empty, "owners are told, not every member");
    }
}
