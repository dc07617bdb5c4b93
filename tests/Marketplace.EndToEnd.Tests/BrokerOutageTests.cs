using System.Net;
using Npgsql;

namespace Marketplace.EndToEnd.Tests;

[TestFixture, NonParallelizable]
public class BrokerOutageTests
{
    [Test]
    public async Task An_order_published_while_RabbitMQ_is_down_reaches_the_crowd_when_it_returns()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 2, unitPrice: 0.50m);

        await Cluster.StopRabbitMqAsync();
        var restarting = DateTime.MaxValue;
        try
        {
            // The state change and its message commit together; the message waits in the outbox.
            await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("published"));
            Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("inEscrow"), Is.Zero, "settlement has not heard of it yet");
        }
        finally
        {
            restarting = DateTime.UtcNow;
            await Cluster.StartRabbitMqAsync();
        }

        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress", TimeSpan.FromSeconds(90));
        // The outbox recorded when the broker confirmed, which cannot be before the broker was started again.
        Assert.That(await PublishedAtAsync(orderId), Is.GreaterThanOrEqualTo(restarting));
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 2,
            "tasks split the order into its two assignments", TimeSpan.FromSeconds(60));
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync("/api/settlement/wallet")).Money("inEscrow") == 1.00m, "escrowed once work started");
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("reserved"), Is.Zero);

        // Nothing was lost on the way: the crowd can take both items, and only those.
        var worker = await Api.SignUpAsync("worker");
        var items = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
            items.Add(claim.GetProperty("itemId").GetString()!);
        }
        Assert.That(items, Is.Unique);
        Assert.That((await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    private static async Task<DateTime> PublishedAtAsync(Guid orderId)
    {
        await using var orders = new NpgsqlConnection(Cluster.Database("orders"));
        await orders.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT published_at FROM outbox_messages
            WHERE message_type LIKE 'Marketplace.Contracts.Orders.OrderPublished,%' AND body->>'orderId' = @orderId
            """, orders);
        command.Parameters.AddWithValue("orderId", orderId.ToString());
        return (DateTime)(await command.ExecuteScalarAsync() ?? throw new AssertionException("no OrderPublished in the outbox"));
    }
}
