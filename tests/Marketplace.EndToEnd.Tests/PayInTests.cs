using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Money enters only through the payment rail: a deposit is an intent until the bank confirms it (a callback signed
/// with the pay-in secret) or an operator confirms it against the bank statement; the wallet is credited then, once.
/// The fake bank's pay-in mode is set per organisation, so these tests run in parallel.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class PayInTests
{
    [Test]
    public async Task A_deposit_credits_the_wallet_only_when_the_bank_confirms_it_and_only_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await ModeAsync(enterprise, "timeout");
        var deposit = await AskAsync(enterprise, 50.00m);
        Assert.That(deposit.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(deposit.GetProperty("reference").GetString(), Does.Match("^MP[0-9A-Z]{10}$"));
        Assert.That(deposit.GetProperty("payTo").GetProperty("accountNumber").GetString(), Is.Not.Empty);
        var reference = deposit.GetProperty("reference").GetString()!;

        // The enterprise cannot confirm its own deposit, nor can anyone without the bank's secret.
        await Api.ReadAsync(await enterprise.PostAsync($"/api/settlement/wallet/deposits/{deposit.GetProperty("id")}/confirm",
            new { bankTransactionId = "SELF-1", amount = 50.00m }, Guid.NewGuid().ToString()), HttpStatusCode.Forbidden);
        using var bank = Api.Anonymous();
        Assert.That((await CallbackAsync(bank, reference, 50.00m, "BANK-1", signature: "00")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await CallbackAsync(bank, reference, 50.00m, "BANK-1", key: Convert.FromBase64String(Cluster.RailCallbackSecret))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized), "the payouts rail's secret is not the pay-in secret");
        // The money reaches the bank (its own books show it: reconciliation compares them with the ledger); the bank calls back.
        var bankTransaction = await ArriveAsync(reference, 50.00m);
        var mismatch = await Api.ReadAsync(await CallbackAsync(bank, reference, 500.00m, bankTransaction), HttpStatusCode.UnprocessableEntity);
        Assert.That(mismatch.GetProperty("code").GetString(), Is.EqualTo("deposit.amount_mismatch"));
        Assert.That(await AvailableAsync(enterprise), Is.EqualTo(0m), "nothing credited yet");

        var first = await Api.ReadAsync(await CallbackAsync(bank, reference, 50.00m, bankTransaction), HttpStatusCode.OK);
        var again = await Api.ReadAsync(await CallbackAsync(bank, reference, 50.00m, bankTransaction), HttpStatusCode.OK);
        Assert.That((first.GetProperty("changed").GetBoolean(), again.GetProperty("changed").GetBoolean()), Is.EqualTo((true, false)));
        Assert.That(await AvailableAsync(enterprise), Is.EqualTo(50.00m));
        var credited = await enterprise.GetAsync($"/api/settlement/wallet/deposits/{deposit.GetProperty("id")}");
        Assert.That((credited.GetProperty("status").GetString(), credited.GetProperty("bankTransactionId").GetString(), credited.GetProperty("confirmedBy").GetString()),
            Is.EqualTo(("credited", bankTransaction, "rail")));

        // Another organisation does not see it.
        var other = await Api.SignUpAsync("enterprise");
        await Api.ReadAsync(await other.Http.GetAsync($"/api/settlement/wallet/deposits/{deposit.GetProperty("id")}"), HttpStatusCode.NotFound);
        Assert.That((await other.GetAsync("/api/settlement/wallet/deposits")).GetProperty("total").GetInt64(), Is.EqualTo(0));
    }

    [Test]
    public async Task An_operator_confirms_a_plain_bank_transfer_against_the_statement_once()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await ModeAsync(enterprise, "timeout");
        var op = await Api.OperatorAsync();
        var one = await AskAsync(enterprise, 30.00m);
        var two = await AskAsync(enterprise, 12.34m);
        // The enterprise paid deposit one by plain transfer: the bank's statement shows the line the operator matches.
        var statementLine = await ArriveAsync(one.GetProperty("reference").GetString()!, 30.00m);

        var wrongAmount = await Api.ReadAsync(await op.PostAsync($"/api/settlement/wallet/deposits/{one.GetProperty("id")}/confirm",
            new { bankTransactionId = statementLine, amount = 29.99m }, Guid.NewGuid().ToString()), HttpStatusCode.UnprocessableEntity);
        Assert.That(wrongAmount.GetProperty("code").GetString(), Is.EqualTo("deposit.amount_mismatch"));
        var confirmed = await Api.ReadAsync(await op.PostAsync($"/api/settlement/wallet/deposits/{one.GetProperty("id")}/confirm",
            new { bankTransactionId = statementLine, amount = 30.00m }, Guid.NewGuid().ToString()), HttpStatusCode.OK);
        Assert.That(confirmed.GetProperty("confirmedBy").GetString(), Is.EqualTo($"operator:{op.UserId}"));
        var twice = await Api.ReadAsync(await op.PostAsync($"/api/settlement/wallet/deposits/{one.GetProperty("id")}/confirm",
            new { bankTransactionId = statementLine + "X", amount = 30.00m }, Guid.NewGuid().ToString()), HttpStatusCode.Conflict);
        Assert.That(twice.GetProperty("code").GetString(), Is.EqualTo("deposit.bank_transaction_used"));
        var reused = await Api.ReadAsync(await op.PostAsync($"/api/settlement/wallet/deposits/{two.GetProperty("id")}/confirm",
            new { bankTransactionId = statementLine, amount = 12.34m }, Guid.NewGuid().ToString()), HttpStatusCode.Conflict);
        Assert.That(reused.GetProperty("code").GetString(), Is.EqualTo("deposit.bank_transaction_used"), "one bank transfer confirms one deposit");
        Assert.That(await AvailableAsync(enterprise), Is.EqualTo(30.00m));
        var pending = await enterprise.GetAsync("/api/settlement/wallet/deposits?status=pending");
        Assert.That(pending.GetProperty("items")[0].GetProperty("id").GetGuid(), Is.EqualTo(two.GetProperty("id").GetGuid()));
    }

    [Test]
    public async Task The_fake_bank_fails_or_confirms_twice_by_its_mode_and_the_wallet_moves_once_at_most()
    {
        var failing = await Api.SignUpAsync("enterprise");
        await ModeAsync(failing, "fail");
        var failed = await Scenario.DepositSettledAsync(failing, (await AskAsync(failing, 20.00m)).GetProperty("id").GetGuid());
        Assert.That(failed.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(failed.GetProperty("failureReason").GetString(), Does.Contain("refused"));
        Assert.That(await AvailableAsync(failing), Is.EqualTo(0m));

        var twice = await Api.SignUpAsync("enterprise");
        await ModeAsync(twice, "duplicate-callback");
        var deposit = await AskAsync(twice, 20.00m);
        var op = await Api.OperatorAsync();
        await Api.EventuallyAsync(async () =>
        {
            var received = await op.GetAsync($"/api/settlement/fake-bank/pay-ins?reference={deposit.GetProperty("reference").GetString()}");
            return received.GetProperty("items").GetArrayLength() == 1 && received.GetProperty("items")[0].GetProperty("callbacks").GetInt32() == 2;
        }, "the bank has called back twice");
        Assert.That(await AvailableAsync(twice), Is.EqualTo(20.00m));
    }

    [Test]
    public async Task An_organisation_has_at_most_twenty_deposits_waiting_for_the_bank()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await ModeAsync(enterprise, "timeout");
        for (var i = 0; i < 20; i++) await AskAsync(enterprise, 1.00m);
        var refused = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount = 1.00m, currency = "CNY" },
            Guid.NewGuid().ToString()), HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("deposit.too_many_pending"));
    }

    /// <summary>Money arrives at the fake bank under a reference, and nobody is told (its test surface); the bank's transaction id.</summary>
    internal static async Task<string> ArriveAsync(string reference, decimal amount) =>
        (await Api.ReadAsync(await (await Api.OperatorAsync()).PostAsync("/api/settlement/fake-bank/pay-ins", new { reference, amount, currency = "CNY" }),
            HttpStatusCode.Created)).GetProperty("bankTransactionId").GetString()!;

    internal static async Task ModeAsync(Actor enterprise, string mode) =>
        await Api.ReadAsync(await Api.Send((await Api.OperatorAsync()).Http, HttpMethod.Put, "/api/settlement/fake-bank/pay-ins/mode",
            new { enterpriseOrgId = enterprise.OrgId, mode }), HttpStatusCode.OK);

    internal static async Task<System.Text.Json.JsonElement> AskAsync(Actor enterprise, decimal amount) =>
        await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/wallet/deposits", new { amount, currency = "CNY" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Created);

    private static async Task<decimal> AvailableAsync(Actor enterprise) => (await enterprise.GetAsync("/api/settlement/wallet")).Money("available");

    private static Task<HttpResponseMessage> CallbackAsync(HttpClient bank, string reference, decimal amount, string bankTransactionId,
        string? signature = null, byte[]? key = null)
    {
        var message = $"pay-in\n{reference}\npaid\n{amount.ToString("0.00", CultureInfo.InvariantCulture)}\nCNY\n{bankTransactionId}";
        signature ??= Convert.ToHexStringLower(HMACSHA256.HashData(key ?? Convert.FromBase64String(Cluster.PayInCallbackSecret), Encoding.UTF8.GetBytes(message)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/settlement/rail/pay-ins/callbacks")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reference, status = "paid", amount, currency = "CNY", bankTransactionId }),
        };
        request.Headers.Add("X-Rail-Signature", signature);
        return bank.SendAsync(request);
    }
}
