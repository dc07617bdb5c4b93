using System.Net;
using Dapper;
using Marketplace.Contracts.Tasks;
using Npgsql;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// A contracted order through orders, bidding and settlement: published in bid mode, bid on, awarded, its escrow set to
/// the contract price. Its delivery is the one fact no service here produces yet for a contract without work packages:
/// tasks' OrderWorkCompleted goes onto RabbitMQ as tasks would send it (0 approvals: the vendor's work cost the escrow
/// nothing), and orders' real process delivers the order and draws the acceptance sample.
/// </summary>
public static class ContractedMoney
{
    public sealed record Order(Actor Enterprise, Actor Vendor, Guid OrderId, Guid ContractId, decimal Price, decimal FeePercent, decimal MinimumFee);

    public static async Task<Order> AwardedAsync(decimal price = 15m, object? tender = null, decimal deposit = 100m)
    {
        var vendor = await Tender.VendorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, deposit);
        var body = Scenario.OrderBodyWith(new
        {
            mode = "bid", industry = Tender.Industry, dataGrade = "general",
            tender = tender ?? new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1) },
        }, items: 10, unitPrice: 2m);
        var orderId = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "tendering");
        var call = new Tender.Call(await Tender.CallIdAsync(enterprise, orderId), orderId, enterprise);
        var bidId = await Tender.BidAsync(vendor, call, amount: price, deliverInDays: 5);
        await Tender.PassDeadlineAsync(call);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "evaluating");
        var contract = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId }), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        return new Order(enterprise, vendor, orderId, contract.GetProperty("id").GetGuid(), price, order.Money("feePercent"), order.Money("minimumFee"));
    }

    /// <summary>The contract's deliver-by is now <paramref name="ago"/> in the past (deadlines are data), in orders and bidding.</summary>
    public static async Task DueAgoAsync(Order order, TimeSpan ago)
    {
        await using (var orders = new NpgsqlConnection(Cluster.Database("orders")))
            await orders.ExecuteAsync("UPDATE orders SET contract_deliver_by = now() - @ago WHERE id = @OrderId", new { ago, order.OrderId });
        await Tender.ExecuteAsync("UPDATE contracts SET deliver_by = now() - @ago WHERE id = @ContractId", new { ago, order.ContractId });
    }

    /// <summary>The work is done (tasks' fact), and the order is delivered.</summary>
    public static async Task DeliverAsync(Order order)
    {
        await Tender.PublishAsync(new OrderWorkCompleted(order.OrderId, 0, DateTimeOffset.UtcNow));
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "delivered");
    }

    /// <summary>Judges the open sample: every item right (accepts) or every item wrong (rework).</summary>
    public static async Task JudgeAsync(Order order, bool ok)
    {
        var round = (await order.Enterprise.GetAsync($"/api/orders/orders/{order.OrderId}/acceptance"))[0];
        var body = new
        {
            round = round.GetProperty("round").GetInt32(),
            verdicts = round.GetProperty("items").EnumerateArray()
                .Select(i => new { itemId = i.GetProperty("itemId").GetString(), ok, finding = ok ? null : "Wrong label." }).ToArray(),
        };
        await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/orders/{order.OrderId}/acceptance", body), HttpStatusCode.OK);
    }

    public static async Task AcceptAsync(Order order)
    {
        await JudgeAsync(order, ok: true);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.OrderId, "closed");
    }

    /// <summary>The contract fee: FeePercent of the price after penalty, half away from zero to the fen, at least the minimum.</summary>
    public static decimal Fee(Order order, decimal penalty = 0m) =>
        Math.Min(Math.Max(decimal.Round((order.Price - penalty) * order.FeePercent / 100m, 2, MidpointRounding.AwayFromZero), order.MinimumFee),
            order.Price - penalty);

    public static async Task<decimal> VendorBalanceAsync(Actor vendor) =>
        (await vendor.GetAsync("/api/settlement/vendor/account")).Money("balance");

    /// <summary>An operator's reconciliation run comes back green (retrying while the last messages settle).</summary>
    public static async Task AssertReconciledAsync()
    {
        var op = await Api.OperatorAsync();
        string? status = null;
        await Api.EventuallyAsync(async () =>
        {
            var run = await Reconciliation.RunAsync(op);
            status = run.GetProperty("status").GetString();
            return status == "green";
        }, "reconciliation is green", TimeSpan.FromSeconds(90));
    }
}
