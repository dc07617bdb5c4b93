using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Earnings are held, then available; an operator may reverse a held one; enterprises give bonuses to their workers.</summary>
public class EarningsTests
{
    /// <summary>An enterprise's order of one item at 1.00 (reward 0.90) that the worker did and the enterprise approved.</summary>
    private static async Task<(Actor Enterprise, Actor Worker, Guid OrderId, Guid AssignmentId)> ApprovedWorkAsync(decimal deposit = 10.00m)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, deposit);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        return (enterprise, worker, orderId, id);
    }

    private static async Task<JsonElement> EarningAsync(Actor worker, Func<JsonElement, bool> which, string what)
    {
        JsonElement found = default;
        await Api.EventuallyAsync(async () =>
        {
            var match = (await worker.GetAsync("/api/payouts/earnings")).GetProperty("earnings").EnumerateArray().Where(which).ToList();
            if (match.Count > 0) found = match[0];
            return match.Count > 0;
        }, what);
        return found;
    }

    private static async Task<decimal> PayableAsync(Actor op, Guid workerId)
    {
        var accounts = await op.GetAsync($"/api/settlement/accounts?kind=worker_payable&ownerId={workerId}");
        return accounts.GetArrayLength() == 0 ? 0m : -accounts[0].Money("balance");
    }

    [Test]
    public async Task An_earning_is_held_then_becomes_available_and_then_cannot_be_reversed()
    {
        var op = await Api.OperatorAsync();
        var (_, worker, orderId, assignmentId) = await ApprovedWorkAsync();
        var held = await EarningAsync(worker, e => e.GetProperty("assignmentId").GetGuid() == assignmentId, "the earning is recorded");
        Assert.That(held.GetProperty("status").GetString(), Is.EqualTo("held"));
        Assert.That(held.GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));
        Assert.That(held.GetProperty("kind").GetString(), Is.EqualTo("assignment"));
        var balance = await worker.GetAsync("/api/payouts/earnings");
        Assert.That(balance.Money("held"), Is.EqualTo(0.90m));
        Assert.That(balance.Money("available"), Is.Zero, "held money cannot be paid out");

        await Jobs.ReleaseHeldEarningsAsync(worker.UserId);
        await EarningAsync(worker, e => e.GetProperty("status").GetString() == "available", "the hold passes");
        balance = await worker.GetAsync("/api/payouts/earnings");
        Assert.That(balance.Money("held"), Is.Zero);
        Assert.That(balance.Money("available"), Is.EqualTo(0.90m));

        var id = held.GetProperty("id").GetGuid();
        var late = await Api.ReadAsync(await op.PostAsync($"/api/payouts/earnings/{id}/reverse", new { reason = "too late" }, Guid.NewGuid().ToString()),
            HttpStatusCode.Conflict);
        Assert.That(late.GetProperty("detail").GetString(), Does.Contain("available"));
        Assert.That(await PayableAsync(op, worker.UserId), Is.EqualTo(0.90m), "nothing was reversed");
    }

    [Test]
    public async Task An_operator_reverses_a_held_earning_and_the_reward_and_fee_go_back_to_escrow()
    {
        var op = await Api.OperatorAsync();
        var (enterprise, worker, orderId, assignmentId) = await ApprovedWorkAsync();
        var held = await EarningAsync(worker, e => e.GetProperty("assignmentId").GetGuid() == assignmentId, "the earning is recorded");
        var id = held.GetProperty("id").GetGuid();
        await Api.EventuallyAsync(async () => await PayableAsync(op, worker.UserId) == 0.90m, "settlement booked the approval");

        var worker2 = await Api.SignUpAsync("worker");
        var notAllowed = await worker2.PostAsync($"/api/payouts/earnings/{id}/reverse", new { reason = "mine now" }, Guid.NewGuid().ToString());
        Assert.That(notAllowed.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var noReason = await Api.ReadAsync(await op.PostAsync($"/api/payouts/earnings/{id}/reverse", new { reason = "" }, Guid.NewGuid().ToString()),
            HttpStatusCode.BadRequest);
        Assert.That(noReason.GetProperty("errors").TryGetProperty("reason", out _), Is.True);

        var key = Guid.NewGuid().ToString();
        var reversed = await Api.ReadAsync(await op.PostAsync($"/api/payouts/earnings/{id}/reverse",
            new { reason = "Rejection upheld after appeal" }, key), HttpStatusCode.OK);
        Assert.That(reversed.GetProperty("status").GetString(), Is.EqualTo("reversed"));
        // The same key with another body changes nothing.
        await Api.ReadAsync(await op.PostAsync($"/api/payouts/earnings/{id}/reverse", new { reason = "something else" }, key),
            (HttpStatusCode)422);

        var seen = await EarningAsync(worker, e => e.GetProperty("id").GetGuid() == id, "the worker sees it");
        Assert.That(seen.GetProperty("status").GetString(), Is.EqualTo("reversed"));
        Assert.That(seen.GetProperty("reversalReason").GetString(), Is.EqualTo("Rejection upheld after appeal"));
        var balance = await worker.GetAsync("/api/payouts/earnings");
        Assert.That(balance.Money("held") + balance.Money("available"), Is.Zero);

        await Api.EventuallyAsync(async () => await PayableAsync(op, worker.UserId) == 0m, "settlement reversed the payable");
        var escrow = await op.GetAsync($"/api/settlement/accounts?kind=escrow&ownerId={orderId}");
        Assert.That(-escrow[0].Money("balance"), Is.EqualTo(1.00m), "reward and fee are back in the order's escrow");
        // Past the hold, the release leaves a reversed earning alone: it never becomes available.
        await Jobs.ReleaseHeldEarningsAsync(worker.UserId);
        Assert.That((await worker.GetAsync("/api/payouts/earnings")).Money("available"), Is.Zero);
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("inEscrow"), Is.EqualTo(1.00m));
    }

    [Test]
    public async Task An_enterprise_gives_its_worker_a_bonus_from_its_wallet_once_per_key()
    {
        var op = await Api.OperatorAsync();
        var (enterprise, worker, orderId, _) = await ApprovedWorkAsync(deposit: 5.00m);
        await Api.EventuallyAsync(async () => await PayableAsync(op, worker.UserId) == 0.90m, "settlement booked the approval");

        var body = new { workerId = worker.UserId, orderId, amount = 2.50m, currency = "CNY", reason = "Careful work on hard items" };
        var key = Guid.NewGuid().ToString();
        var granted = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/bonuses", body, key), HttpStatusCode.Created);
        Assert.That(granted.Money("available"), Is.EqualTo(1.50m), "5.00 - 1.00 escrowed - 2.50 bonus");
        var replay = await Api.ReadAsync(await enterprise.PostAsync("/api/settlement/bonuses", body, key), HttpStatusCode.Created);
        Assert.That(replay.GetProperty("bonusId").GetGuid(), Is.EqualTo(granted.GetProperty("bonusId").GetGuid()), "a replay answers the same");
        var changed = await enterprise.PostAsync("/api/settlement/bonuses", new { workerId = worker.UserId, orderId, amount = 1.00m, currency = "CNY", reason = "x" }, key);
        Assert.That(changed.StatusCode, Is.EqualTo((HttpStatusCode)422));

        var bonus = await EarningAsync(worker, e => e.GetProperty("kind").GetString() == "bonus", "payouts records the bonus");
        Assert.That(bonus.Money("amount"), Is.EqualTo(2.50m));
        Assert.That(bonus.GetProperty("reason").GetString(), Is.EqualTo("Careful work on hard items"));
        Assert.That(bonus.GetProperty("status").GetString(), Is.EqualTo("held"));
        Assert.That(await PayableAsync(op, worker.UserId), Is.EqualTo(3.40m));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(1.50m), "moved once");

        // A bonus reversed while held goes back to the wallet it came from.
        var key2 = Guid.NewGuid().ToString();
        await Api.ReadAsync(await op.PostAsync($"/api/payouts/earnings/{bonus.GetProperty("id").GetGuid()}/reverse", new { reason = "granted by mistake" }, key2),
            HttpStatusCode.OK);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("available") == 4.00m, "the bonus is back in the wallet");
        Assert.That(await PayableAsync(op, worker.UserId), Is.EqualTo(0.90m));
    }

    [Test]
    public async Task A_bonus_needs_the_callers_own_order_a_worker_who_did_approved_work_on_it_and_the_money()
    {
        var (enterprise, worker, orderId, _) = await ApprovedWorkAsync(deposit: 2.00m);
        var op = await Api.OperatorAsync();
        await Api.EventuallyAsync(async () => await PayableAsync(op, worker.UserId) == 0.90m, "settlement booked the approval");
        var other = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(other, 10.00m);
        var stranger = await Api.SignUpAsync("worker");

        async Task<HttpResponseMessage> Grant(Actor who, Guid workerId, Guid order, decimal amount) =>
            await who.PostAsync("/api/settlement/bonuses", new { workerId, orderId = order, amount, currency = "CNY", reason = "thanks" }, Guid.NewGuid().ToString());

        Assert.That((await Grant(other, worker.UserId, orderId, 1.00m)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another organisation's order");
        Assert.That((await Grant(enterprise, stranger.UserId, orderId, 1.00m)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a worker who did no work on it");
        Assert.That((await Grant(enterprise, worker.UserId, orderId, 5.00m)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "more than the wallet holds");
        Assert.That((await Grant(worker, worker.UserId, orderId, 1.00m)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "workers do not grant bonuses");
        var bad = await Api.ReadAsync(await Grant(enterprise, worker.UserId, orderId, -1m), HttpStatusCode.BadRequest);
        Assert.That(bad.GetProperty("errors").TryGetProperty("amount", out _), Is.True);
        var noKey = await enterprise.PostAsync("/api/settlement/bonuses", new { workerId = worker.UserId, orderId, amount = 1.00m, currency = "CNY", reason = "x" });
        Assert.That(noKey.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(1.00m), "nothing moved");
        Assert.That(await PayableAsync(op, worker.UserId), Is.EqualTo(0.90m));
    }
}
