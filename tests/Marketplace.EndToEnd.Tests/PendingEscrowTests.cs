using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests;

/// <summary>A published order's budget is reserved, then moved into escrow when work starts, or let go.</summary>
public class PendingEscrowTests
{
    private static async Task<Guid> PublishedBidOrderAsync(Actor enterprise, int items, decimal unitPrice)
    {
        var body = Scenario.OrderBodyWith(new { mode = "bid" }, items, unitPrice);
        var id = (await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{id}/publish"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{id}")).GetProperty("fundedAt").ValueKind != JsonValueKind.Null,
            "the budget is reserved");
        return id;
    }

    [Test]
    public async Task A_published_budget_is_reserved_out_of_the_wallet_and_moves_into_escrow_when_work_starts()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var waiting = await PublishedBidOrderAsync(enterprise, items: 2, unitPrice: 1.50m);

        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("reserved"), Is.EqualTo(3.00m), "the bid order waits: its budget is only reserved");
        Assert.That(wallet.Money("available"), Is.EqualTo(7.00m), "reserved money cannot be spent");
        Assert.That(wallet.Money("inEscrow"), Is.Zero);
        Assert.That(await Scenario.EscrowAsync(waiting), Is.Zero, "nothing is booked into escrow yet");

        // A crowd order goes to work at once: its budget is posted into escrow.
        var crowd = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 1.00m);
        await Api.EventuallyAsync(async () => await Scenario.EscrowAsync(crowd) == 2.00m, "the crowd order's budget is in escrow");
        wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("reserved"), Is.EqualTo(3.00m));
        Assert.That(wallet.Money("inEscrow"), Is.EqualTo(2.00m));
        Assert.That(wallet.Money("available"), Is.EqualTo(5.00m));
    }

    [Test]
    public async Task An_order_that_the_wallet_cannot_cover_beside_its_reservations_fails_funding()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 5.00m);
        await PublishedBidOrderAsync(enterprise, items: 2, unitPrice: 2.00m); // reserves 4.00
        var second = await Scenario.CreateOrderAsync(enterprise, items: 1, unitPrice: 2.00m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{second}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, second, "funding_failed");
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(1.00m));
        Assert.That(wallet.Money("reserved"), Is.EqualTo(4.00m));
    }

    [Test]
    public async Task Cancelling_before_work_starts_voids_the_reservation_and_books_nothing()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await PublishedBidOrderAsync(enterprise, items: 2, unitPrice: 2.00m);

        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/cancel"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("refundedAmount") == 4.00m,
            "the order shows the budget returned");
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("available"), Is.EqualTo(10.00m));
        Assert.That(wallet.Money("reserved"), Is.Zero);
        Assert.That(await Scenario.EscrowAsync(orderId), Is.Zero);
    }

    [Test]
    public async Task A_reservation_whose_work_never_starts_expires_and_the_order_shows_funding_failed()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await PublishedBidOrderAsync(enterprise, items: 3, unitPrice: 1.00m);
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("reserved"), Is.EqualTo(3.00m));

        await Jobs.ExpireReservationAsync(orderId);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "funding_failed");
        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.ToString(), Does.Contain("escrow expired"));
        var wallet = await enterprise.GetAsync("/api/settlement/wallet");
        Assert.That(wallet.Money("reserved"), Is.Zero);
        Assert.That(wallet.Money("available"), Is.EqualTo(10.00m), "the money is the enterprise's to spend again");

        // Publishing again reserves the budget anew.
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("reserved") == 3.00m, "reserved again");
    }
}
