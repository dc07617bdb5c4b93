using System.Net;
using System.Text.Json;
using Npgsql;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Reconciliation through the operator's endpoints: an invariant broken on purpose is found and named.</summary>
[TestFixture]
public class ReconciliationTests
{
    [Test]
    public async Task An_earning_without_an_approved_assignment_raises_an_alert_naming_it_until_it_is_gone()
    {
        var op = await Api.OperatorAsync();
        var (assignmentId, orderId, workerId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using var payouts = new NpgsqlConnection(Cluster.Database("payouts"));
        await payouts.OpenAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO earnings (assignment_id, worker_id, order_id, amount, currency, approved_at)
            VALUES ($1, $2, $3, 1.2345, 'CNY', now() - interval '1 hour')
            """, payouts))
        {
            insert.Parameters.AddWithValue(assignmentId);
            insert.Parameters.AddWithValue(workerId);
            insert.Parameters.AddWithValue(orderId);
            await insert.ExecuteNonQueryAsync();
        }
        try
        {
            var run = await Reconciliation.RunAsync(op);
            Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("red"));
            var found = run.GetProperty("found").EnumerateArray().ToList();
            Assert.That(found.Any(m => m.GetProperty("check").GetString() == "approval-earning" && m.GetProperty("entityId").GetString() == assignmentId.ToString()
                && m.GetProperty("orderId").GetGuid() == orderId), Is.True, $"the earning's assignment is named: {run}");
            Assert.That(found.Any(m => m.GetProperty("check").GetString() == "worker-payable" && m.GetProperty("entityId").GetString() == workerId.ToString()),
                Is.True, "payouts owes the worker what the ledger does not");

            var latest = await op.GetAsync("/api/settlement/reconciliation");
            var open = latest.GetProperty("openAlerts").EnumerateArray().ToList();
            Assert.That(open.Any(a => a.GetProperty("entityId").GetString() == assignmentId.ToString() && a.GetProperty("detail").GetString()!.Contains("no approved assignment")),
                Is.True, $"the open alerts list the assignment: {latest}");
            Assert.That(latest.GetProperty("runs")[0].GetProperty("id").GetGuid(), Is.EqualTo(run.GetProperty("id").GetGuid()));
        }
        finally
        {
            await using var delete = new NpgsqlCommand("DELETE FROM earnings WHERE assignment_id = $1", payouts);
            delete.Parameters.AddWithValue(assignmentId);
            await delete.ExecuteNonQueryAsync();
        }

        await Reconciliation.RunAsync(op);
        var after = await op.GetAsync("/api/settlement/reconciliation");
        Assert.That(after.GetProperty("openAlerts").EnumerateArray().Select(a => a.GetProperty("entityId").GetString()),
            Does.Not.Contain(assignmentId.ToString()).And.Not.Contain(workerId.ToString()), "a run that no longer finds it resolves the alert");
    }

    [Test]
    public async Task Money_the_bank_received_but_the_ledger_never_credited_is_reported_until_an_operator_matches_it()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        await PayInTests.ModeAsync(enterprise, "timeout"); // the bank's confirmation never comes
        var deposit = await PayInTests.AskAsync(enterprise, 40.00m);
        var reference = deposit.GetProperty("reference").GetString()!;
        var bankTransaction = await PayInTests.ArriveAsync(reference, 40.00m);

        JsonElement run = default;
        await Api.EventuallyAsync(async () =>
        {
            run = await Reconciliation.RunAsync(op);
            return Named(run, "deposits", bankTransaction) is not null;
        }, "the bank's transfer with no ledger deposit is reported", TimeSpan.FromSeconds(60));
        Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("red"));
        Assert.That(Named(run, "deposits", bankTransaction)!.Value.GetProperty("detail").GetString(),
            Does.Contain($"the bank received 40.00 under reference {reference}; the ledger credited no deposit"));
        var open = (await op.GetAsync("/api/settlement/reconciliation")).GetProperty("openAlerts").EnumerateArray();
        Assert.That(open.Any(a => a.GetProperty("entityId").GetString() == bankTransaction), Is.True, "an open alert names the bank's transaction");

        // The operator matches the bank's line to the deposit: the wallet gets the 40.00 once, and the books agree again.
        await Api.ReadAsync(await op.PostAsync($"/api/settlement/wallet/deposits/{deposit.GetProperty("id")}/confirm",
            new { bankTransactionId = bankTransaction, amount = 40.00m }, Guid.NewGuid().ToString()), HttpStatusCode.OK);
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(40.00m));
        await Api.EventuallyAsync(async () =>
        {
            run = await Reconciliation.RunAsync(op);
            return Named(run, "deposits", bankTransaction) is null;
        }, "the matched transfer is no longer reported", TimeSpan.FromSeconds(60));
        var after = (await op.GetAsync("/api/settlement/reconciliation")).GetProperty("openAlerts").EnumerateArray();
        Assert.That(after.Any(a => a.GetProperty("entityId").GetString() == bankTransaction), Is.False, "the alert is resolved");
        Assert.That(run.GetProperty("summary").GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
            Is.SupersetOf(new[] { "deposits", "vendor-withdrawals", "bank-transfers" }), "money in and out are both compared with the bank");
    }

    private static JsonElement? Named(JsonElement run, string check, string entityId) =>
        run.GetProperty("found").EnumerateArray().Where(m => m.GetProperty("check").GetString() == check && m.GetProperty("entityId").GetString() == entityId)
            .Select(m => (JsonElement?)m).FirstOrDefault();

    [Test]
    public async Task Reconciliation_is_the_operators_and_bad_input_names_the_field()
    {
        var worker = await Api.SignUpAsync("worker");
        Assert.That((await worker.PostAsync("/api/settlement/reconciliation/run")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await worker.Http.GetAsync("/api/settlement/reconciliation")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Api.Anonymous().PostAsync("/api/settlement/reconciliation/run", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var op = await Api.OperatorAsync();
        var problem = await Api.ReadAsync(await op.Http.GetAsync("/api/settlement/reconciliation?runs=0"), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("runs", out _), Is.True);
    }
}

/// <summary>Runs reconciliation through the operator's endpoint; the suite ends by requiring it green.</summary>
public static class Reconciliation
{
    public static async Task<JsonElement> RunAsync(Actor op)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await op.PostAsync("/api/settlement/reconciliation/run");
            if (response.StatusCode == HttpStatusCode.Conflict && attempt < 60) { await Task.Delay(500); continue; }
            return await Api.ReadAsync(response, HttpStatusCode.OK);
        }
    }

    /// <summary>
    /// After every test: reconciliation must come back green (retrying while the last messages settle). A red end fails
    /// the run: the assertion, and a marker infra/test.sh counts as a failure (a teardown is not a test result).
    /// </summary>
    public static async Task AssertGreenAtTheEndAsync()
    {
        var marker = Path.Combine(Cluster.Root, ".data/test/results/Marketplace.EndToEnd.Tests.teardown-failed");
        JsonElement run = default;
        try
        {
            var op = await Api.OperatorAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            do
            {
                run = await RunAsync(op);
                if (run.GetProperty("status").GetString() == "green") return;
                await Task.Delay(2000);
            } while (DateTime.UtcNow < deadline);
        }
        catch (Exception e)
        {
            await File.WriteAllTextAsync(marker, $"reconciliation could not run at the end of the suite: {e}");
            throw;
        }
        await File.WriteAllTextAsync(marker, $"reconciliation is red at the end of the suite: {run}");
        Assert.Fail($"Reconciliation is red at the end of the suite: {run}");
    }
}
